"""SLA REST routers; config/api.py mounts each submodule's `router`."""
