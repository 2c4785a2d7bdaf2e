"""Expected failures of the operations tools, as one-line messages and exit codes (never a traceback)."""

from __future__ import annotations

import re
from typing import Literal

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    PartialCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
)
from botocore.parsers import ResponseParserError

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_CONFIG = 2
EXIT_INTERRUPTED = 130

ErrorKind = Literal["credentials", "access", "throttled", "unavailable", "connection", "not_found", "other"]

ACCESS_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "AuthorizationError",
        "Forbidden",
        "UnauthorizedOperation",
        "UnauthorizedAccess",
        "403",
    }
)
CREDENTIAL_CODES = frozenset(
    {
        "AuthFailure",
        "ExpiredToken",
        "ExpiredTokenException",
        "InvalidAccessKeyId",
        "InvalidClientTokenId",
        "InvalidToken",
        "RequestExpired",
        "SignatureDoesNotMatch",
        "UnrecognizedClientException",
    }
)
# The codes botocore's "standard" retry mode treats as throttling (botocore/retries/standard.py).
THROTTLING_CODES = frozenset(
    {
        "BandwidthLimitExceeded",
        "EC2ThrottledException",
        "LimitExceededException",
        "PriorRequestNotComplete",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "RequestThrottledException",
        "SlowDown",
        "ThrottledException",
        "Throttling",
        "ThrottlingException",
        "TooManyRequestsException",
        "TransactionInProgressException",
    }
)
# The API exists in AWS but the endpoint does not implement it (emulators), or the service failed.
UNAVAILABLE_CODES = frozenset(
    {
        "InternalError",
        "InternalFailure",
        "InvalidAction",
        "NotImplemented",
        "ServiceUnavailable",
        "UnknownOperationException",
        "UnsupportedOperation",
    }
)
NOT_FOUND_CODES = frozenset({"404", "NoSuchBucket", "NoSuchKey", "NotFound", "NotFoundException"})

_MAX_DETAIL = 160
_HTML_TITLE = re.compile(r"<title>\s*([^<]+?)\s*</title>", re.IGNORECASE)

# Everything botocore raises for a failed call (ResponseParserError is not a BotoCoreError).
AWS_ERRORS: tuple[type[Exception], ...] = (BotoCoreError, ClientError, ResponseParserError)


class OpsError(Exception):
    """An expected failure: the script prints ``error: <message>`` and exits with ``exit_code``."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILURE) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", "") or "")


def _http_status(error: ClientError) -> int:
    return int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)


def classify(error: BaseException) -> ErrorKind:
    """What kind of failure this is: decides fatal (credentials, connection) versus per-check outcomes."""
    if isinstance(error, NoCredentialsError | PartialCredentialsError | ProfileNotFound):
        return "credentials"
    if isinstance(error, EndpointConnectionError | ConnectTimeoutError | ReadTimeoutError):
        return "connection"
    if isinstance(error, ResponseParserError):
        return "unavailable"
    if isinstance(error, ClientError):
        code = error_code(error)
        if code in ACCESS_CODES:
            return "access"
        if code in CREDENTIAL_CODES:
            return "credentials"
        if code in THROTTLING_CODES or _http_status(error) == 429:
            return "throttled"
        if code in UNAVAILABLE_CODES or _http_status(error) >= 500:
            return "unavailable"
        if code in NOT_FOUND_CODES:
            return "not_found"
    return "other"


def is_fatal(error: BaseException) -> bool:
    """Failures no single check can survive: the tool stops and says why."""
    return classify(error) in ("credentials", "connection")


def _short(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= _MAX_DETAIL else text[: _MAX_DETAIL - 3] + "..."


def _client_error_message(error: ClientError, kind: ErrorKind) -> str:
    operation = error.operation_name
    code = error_code(error) or f"HTTP {_http_status(error)}"
    detail = _short(error.response.get("Error", {}).get("Message", "") or "")
    suffix = f": {detail}" if detail else ""
    if kind == "access":
        return f"access denied: {operation} ({code}){suffix}"
    if kind == "credentials":
        return f"AWS rejected the credentials: {operation} ({code}){suffix}"
    if kind == "throttled":
        attempts = int(error.response.get("ResponseMetadata", {}).get("RetryAttempts", 0) or 0) + 1
        return f"throttled: {operation} ({code}) still refused after {attempts} attempt(s){suffix}"
    if kind == "unavailable":
        return f"{operation} is not available at this endpoint ({code}){suffix}"
    return f"{operation} failed ({code}){suffix}"


def describe(error: BaseException) -> str:
    """One line that tells an operator what went wrong and, where it helps, what to do."""
    if isinstance(error, OpsError):
        return error.message
    if isinstance(error, NoCredentialsError):
        return (
            "no AWS credentials found: set AWS_PROFILE (or --profile), or AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY, or run where an instance or container role is available"
        )
    if isinstance(error, ProfileNotFound):
        return f"AWS profile {error.kwargs.get('profile')!r} is not configured (see ~/.aws/config)"
    if isinstance(error, EndpointConnectionError):
        return f"cannot reach the AWS endpoint {error.kwargs.get('endpoint_url')} (network, proxy or region?)"
    if isinstance(error, ConnectTimeoutError | ReadTimeoutError):
        return f"timed out talking to {error.kwargs.get('endpoint_url')}"
    if isinstance(error, ResponseParserError):
        title = _HTML_TITLE.search(str(error))
        answer = f"an HTML page '{title.group(1)}'" if title else "an unreadable response"
        return f"the endpoint answered with {answer}, not an AWS API response (API not implemented there?)"
    if isinstance(error, ClientError):
        return _client_error_message(error, classify(error))
    if isinstance(error, BotoCoreError):
        return _short(str(error))
    return f"{type(error).__name__}: {_short(str(error))}"
