"""URL rules every service shares: normalisation and the stable ids derived from URLs.

The fetcher normalises before it deduplicates, the parser normalises outlinks and canonical
URLs, and both derive ids with :func:`url_id`, so the same page always gets the same id —
which is what makes re-delivery and re-processing harmless downstream.
"""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}

# Query parameters that identify a campaign or a click, not a document.
_TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "yclid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "spm",
        "_ga",
        "ref_src",
        "from",
        "share_token",
        # Session ids: a server that puts one in every link offers each page under endless
        # URLs (a spider trap), all the same document.
        "jsessionid",
        "phpsessid",
        "aspsessionid",
        "sessionid",
        "session_id",
    }
)
_TRACKING_PREFIXES = ("utm_", "pk_", "hmsr", "hmpl", "hmcu", "hmkw", "hmci")

# Characters left alone when re-quoting a path or query (RFC 3986 reserved + unreserved).
_SAFE_PATH = "/:@!$&'()*+,;=-._~%"


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_PARAMS or lowered.startswith(_TRACKING_PREFIXES)


def normalize_url(url: str) -> str:
    """Canonical form of an absolute http(s) URL, for deduplication and ids.

    Lower-cases scheme and host, drops default ports, fragments, credentials-free userinfo
    is kept as is, removes tracking parameters, sorts the query and percent-encodes
    consistently. Raises ``ValueError`` for anything that is not an absolute http(s) URL.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise ValueError(f"not an http(s) URL: {url!r}")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise ValueError(f"URL has no host: {url!r}")
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        host = host.lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host
    port = parts.port
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        netloc = f"{host}:{port}"
    if parts.username:
        userinfo = parts.username + (f":{parts.password}" if parts.password else "")
        netloc = f"{userinfo}@{netloc}"
    path = quote(unquote(parts.path), safe=_SAFE_PATH) or "/"
    query_pairs = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)
    ]
    query = urlencode(sorted(query_pairs), doseq=True, safe=_SAFE_PATH)
    return urlunsplit((scheme, netloc, path, query, ""))


def absolute_url(base: str, href: str | None) -> str | None:
    """``href`` made absolute against ``base``, or None when it is no URL at all
    (``http://[::1``, on which urljoin raises): one bad link of a page, feed or sitemap is
    skipped, not the whole document."""
    if not href:
        return None
    try:
        return urljoin(base, href.strip())
    except ValueError:
        return None


def url_id(url: str) -> str:
    """Stable 32-hex-digit id of a URL (normalised first, so equivalent URLs agree)."""
    try:
        canonical = normalize_url(url)
    except ValueError:
        canonical = url.strip()
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def host_of(url: str) -> str:
    """Lower-cased host (with a non-default port) — the unit of politeness and partitioning."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = parts.port
    if port is not None and port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        return f"{host}:{port}"
    return host


def redact(url: str) -> str:
    """The URL with any credentials replaced, for logs and error messages."""
    parts = urlsplit(url)
    if not (parts.username or parts.password):
        return url
    netloc = parts.hostname or ""
    if parts.port:
        netloc = f"{netloc}:{parts.port}"
    return urlunsplit((parts.scheme, f"***@{netloc}", parts.path, parts.query, parts.fragment))
