"""Demo knowledge base: a handful of published zh-hans/en articles and one internal one."""

from loopdesk.accounts.models import Role

from .setup import DemoCast

DEMO_TOPICS = {
    "refund_request", "refund_time", "invoice_request", "invoice_vat", "warranty_policy",
    "warranty_claim", "tracking", "password_reset", "install_printer", "wifi_setup",
}  # fmt: skip


def ensure_knowledge(cast: DemoCast) -> None:
    """Publish the demo articles once (skipped when the knowledge base has articles)."""
    from loopdesk.knowledge.models import Article
    from loopdesk.knowledge.sample_articles import create_sample_articles
    from loopdesk.knowledge.services import article_create, article_set_status

    if Article.objects.exists():
        return
    editor = next((u for u in cast.staff.values() if u.role in (Role.SUPERVISOR, Role.ADMIN)), None)
    if editor is None:
        return
    made = create_sample_articles(user=editor, keys=DEMO_TOPICS)
    refund = made[("refund_request", "zh-hans")]
    internal = article_create(
        user=editor,
        language="zh-hans",
        title="大额退款审批流程（内部）",
        body_md=(
            "退款金额超过 **5000 元** 时：\n\n"
            "1. 在工单中添加内部备注，写明订单号和退款原因；\n"
            "2. 指派给售后主管审批；\n"
            "3. 审批通过后再在后台发起退款。"
        ),
        category=refund.category,
        tags=["退款", "审批"],
        visibility="internal",
    )
    article_set_status(user=editor, article=internal, status="published")
