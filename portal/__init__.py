"""Harbor Portal: a portal for independent behavioral-health case-management practices."""

import os

# Piccolo finds its engine and app registry through this module path.
os.environ.setdefault("PICCOLO_CONF", "portal.piccolo_conf")

__version__ = "0.1.0"
