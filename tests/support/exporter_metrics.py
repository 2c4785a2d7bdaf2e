"""The metric names each HyperPod exporter publishes, at the versions the lifecycle scripts pin
(``modules/hyperpod-prerequisites/lifecycle/artifacts.json``), and a PromQL metric-name extractor.

Alert rules and Grafana panels may only use names from these lists, so a typo or a name from another exporter
version fails a test instead of an empty panel or an alert that can never fire. Each list says where it was read.
"""

from __future__ import annotations

import re

# prometheus/node_exporter v1.8.2: collector/{cpu,meminfo,filesystem,loadavg,netdev,diskstats,stat,time,uname}
# _linux.go / *_common.go (names as in collector/fixtures/e2e-output.txt). `up` is not the exporter's: Prometheus
# (here the OTel collector's prometheus receiver) synthesizes it for every scrape target.
NODE_EXPORTER = frozenset(
    {
        "up",
        "node_cpu_seconds_total",
        "node_memory_MemAvailable_bytes",
        "node_memory_MemTotal_bytes",
        "node_filesystem_avail_bytes",
        "node_filesystem_size_bytes",
        "node_load1",
        "node_load5",
        "node_load15",
        "node_network_receive_bytes_total",
        "node_network_transmit_bytes_total",
        "node_disk_read_bytes_total",
        "node_disk_written_bytes_total",
        "node_disk_io_time_seconds_total",
        "node_boot_time_seconds",
        "node_time_seconds",
        "node_uname_info",
    }
)

# NVIDIA/dcgm-exporter 3.3.9-3.6.1: etc/default-counters.csv (the counters enabled without a custom CSV).
DCGM_EXPORTER = frozenset(
    {
        "DCGM_FI_DEV_SM_CLOCK",
        "DCGM_FI_DEV_MEM_CLOCK",
        "DCGM_FI_DEV_MEMORY_TEMP",
        "DCGM_FI_DEV_GPU_TEMP",
        "DCGM_FI_DEV_POWER_USAGE",
        "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION",
        "DCGM_FI_DEV_PCIE_REPLAY_COUNTER",
        "DCGM_FI_DEV_GPU_UTIL",
        "DCGM_FI_DEV_MEM_COPY_UTIL",
        "DCGM_FI_DEV_ENC_UTIL",
        "DCGM_FI_DEV_DEC_UTIL",
        "DCGM_FI_DEV_XID_ERRORS",
        "DCGM_FI_DEV_FB_FREE",
        "DCGM_FI_DEV_FB_USED",
        "DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL",
        "DCGM_FI_DEV_VGPU_LICENSE_STATUS",
        "DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS",
        "DCGM_FI_DEV_CORRECTABLE_REMAPPED_ROWS",
        "DCGM_FI_DEV_ROW_REMAP_FAILURE",
    }
)

# aws-samples/awsome-distributed-training, the EFA node exporter (a node_exporter fork): collector
# amazonefa_linux.go, subsystem "amazonefa", one counter per /sys/class/infiniband/<dev>/ports/<n>/hw_counters
# file (labels device, port) plus node_amazonefa_info; the same names are in the SageMaker HyperPod guide's
# "EFA metrics" table.
EFA_EXPORTER = frozenset(
    {"node_amazonefa_info"}
    | {
        f"node_amazonefa_{counter}"
        for counter in (
            "alloc_pd_err",
            "alloc_ucontext_err",
            "cmds_err",
            "completed_cmds",
            "create_ah_err",
            "create_cq_err",
            "create_qp_err",
            "keep_alive_rcvd",
            "lifespan",
            "mmap_err",
            "no_completion_cmds",
            "rdma_read_bytes",
            "rdma_read_resp_bytes",
            "rdma_read_wr_err",
            "rdma_read_wrs",
            "rdma_write_bytes",
            "rdma_write_recv_bytes",
            "rdma_write_wr_err",
            "rdma_write_wrs",
            "recv_bytes",
            "recv_wrs",
            "reg_mr_err",
            "rx_bytes",
            "rx_drops",
            "rx_pkts",
            "send_bytes",
            "send_wrs",
            "submitted_cmds",
            "tx_bytes",
            "tx_pkts",
        )
    }
)

# rivosinc/prometheus-slurm-exporter v1.1.x: exporter/nodes.go (NewNodeCollecter) and exporter/jobs.go
# (NewJobsController) prometheus.NewDesc / CounterOpts names.
SLURM_EXPORTER = frozenset(
    {
        "slurm_partition_total_cpus",
        "slurm_partition_real_mem",
        "slurm_partition_free_mem",
        "slurm_partition_alloc_mem",
        "slurm_partition_alloc_cpus",
        "slurm_partition_idle_cpus",
        "slurm_partition_weight",
        "slurm_partition_cpu_load",
        "slurm_cpus_total",
        "slurm_cpus_idle",
        "slurm_cpu_load",
        "slurm_cpus_per_state",
        "slurm_node_count_per_state",
        "slurm_mem_real",
        "slurm_mem_free",
        "slurm_mem_alloc",
        "slurm_node_scrape_duration",
        "slurm_node_scrape_error",
        "slurm_job_alloc_cpus",
        "slurm_job_alloc_mem",
        "slurm_user_state_total",
        "slurm_user_mem_alloc",
        "slurm_user_cpu_alloc",
        "slurm_partition_job_state_total",
        "slurm_account_mem_alloc",
        "slurm_account_cpu_alloc",
        "slurm_account_job_state_total",
        "slurm_job_scrape_duration",
        "slurm_job_scrape_error",
    }
)

# neuron-monitor-prometheus.py (aws-neuron-tools, /opt/aws/neuron/bin; aws-neuron/aws-neuron-sdk docs
# "neuron-monitor user guide"): Gauges/Counters it registers, as scraped in the OTel collector-contrib
# awscontainerinsightreceiver neuron fixtures (prometheus_client appends _total to counters).
NEURON_MONITOR = frozenset(
    {
        "neuroncore_utilization_ratio",
        "neuroncore_memory_usage_constants",
        "neuroncore_memory_usage_model_code",
        "neuroncore_memory_usage_model_shared_scratchpad",
        "neuroncore_memory_usage_runtime_memory",
        "neuroncore_memory_usage_tensors",
        "neuron_runtime_memory_used_bytes",
        "neuron_runtime_vcpu_usage_ratio",
        "execution_errors_total",
        "execution_status_total",
        "execution_latency_seconds",
        "hardware_ecc_events_total",
        "system_memory_total_bytes",
    }
)

EXPORTERS = {
    "node": NODE_EXPORTER,
    "dcgm": DCGM_EXPORTER,
    "efa": EFA_EXPORTER,
    "slurm": SLURM_EXPORTER,
    "neuron": NEURON_MONITOR,
}

# FACTS.md "Observability": CloudWatch namespace AWS/FSx, dimension FileSystemId.
FSX_METRICS = frozenset(
    {
        "DataReadBytes",
        "DataWriteBytes",
        "DataReadOperations",
        "DataWriteOperations",
        "MetadataOperations",
        "FreeDataStorageCapacity",
        "ClientConnections",
    }
)

_KEYWORDS = frozenset(
    {"and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right"}
    | {"inf", "nan", "Inf", "NaN"}
)
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
_GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
_IDENT = re.compile(r"(?<![\w.$:])([A-Za-z_:][A-Za-z0-9_:]*)(?!\s*\(|[\w:])")


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression selects (functions, keywords, labels, strings and Grafana
    ``$variables`` excluded). Deliberately small: it covers the expressions this repository writes."""
    text = _STRING.sub('""', expr)
    text = re.sub(r"\{[^}]*\}", " ", text)
    text = re.sub(r"\[[^\]]*\]", " ", text)
    text = _GROUPING.sub(" ", text)
    text = re.sub(r"\$\{[^}]*\}|\$\w+", " ", text)
    return {m.group(1) for m in _IDENT.finditer(text)} - _KEYWORDS
