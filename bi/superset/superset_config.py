"""Superset configuration for the local BI client on the warehouse's BI export.

Loaded through SUPERSET_CONFIG_PATH by bi/superset/serve.py. Everything comes from environment variables
with local defaults; nothing here points at an outside address.
"""

import os

# Metadata database (dashboards, charts, users): a local SQLite file, rebuilt by every `make bi`.
_STATE_DIR = os.environ.get("SUPERSET_STATE_DIR", os.path.abspath("data/superset"))
SQLALCHEMY_DATABASE_URI = f"sqlite:///{os.path.join(_STATE_DIR, 'superset.db')}?check_same_thread=false"
DATA_DIR = _STATE_DIR

# Signs session cookies and encrypts stored connection secrets. The default is for local use only.
SECRET_KEY = os.environ.get("SUPERSET_SECRET_KEY", "local-bi-client-change-me")

# No telemetry and nothing that needs the network: the wheel ships the built frontend, and the
# content security policy below lets the browser load only from this server (the frontend's Scarf
# telemetry pixel and map tiles are refused).
SCARF_ANALYTICS = False
FEATURE_FLAGS = {
    "ALERT_REPORTS": False,
    "THUMBNAILS": False,
    "EMBEDDED_SUPERSET": False,
    "SSH_TUNNELING": False,
    "ENABLE_TEMPLATE_PROCESSING": False,
}
MAPBOX_API_KEY = ""
TALISMAN_ENABLED = True
TALISMAN_CONFIG = {
    "content_security_policy": {
        "base-uri": ["'self'"],
        "default-src": ["'self'"],
        "img-src": ["'self'", "blob:", "data:"],
        "worker-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "object-src": "'none'",
        "style-src": ["'self'", "'unsafe-inline'"],
        "font-src": ["'self'", "data:"],
        "script-src": ["'self'", "'strict-dynamic'"],
    },
    "content_security_policy_nonce_in": ["script-src"],
    "force_https": False,
    "session_cookie_secure": False,
}
CONTENT_SECURITY_POLICY_WARNING = False

# A single local user base; no self-registration, no outside OAuth.
AUTH_USER_REGISTRATION = False
# The BI export is read-only: no SQL Lab writes, no CSV uploads into it.
PREVENT_UNSAFE_DB_CONNECTIONS = True
WTF_CSRF_ENABLED = True
# Simple in-process caches (no Redis).
CACHE_CONFIG = {"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": 300}
DATA_CACHE_CONFIG = CACHE_CONFIG
