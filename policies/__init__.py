"""Custom checkov checks for what checkov has none of (loaded with --external-checks-dir policies)."""
