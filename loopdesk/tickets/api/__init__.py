"""REST API routes for tickets (mounted at /api/v1/ by config/api.py)."""

from ninja import Router

from .events import router as events_router
from .messages import router as messages_router
from .tickets import router as tickets_router

router = Router()  # the sub-routers carry the "tickets" tag
router.add_router("", tickets_router)
router.add_router("", messages_router)
router.add_router("", events_router)

__all__ = ["router"]
