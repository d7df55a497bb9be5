"""A realistic after-sales article set (zh-hans and en versions of 32 topics).

Used by the search quality test (with QUALITY_QUERIES), by the demo data and by the
search benchmark, which multiplies it. Keys name topics; each topic has both languages.
"""

from typing import NamedTuple


class SampleArticle(NamedTuple):
    key: str
    category: str  # slug
    tags: tuple[str, ...]
    zh_title: str
    zh_body: str
    en_title: str
    en_body: str


CATEGORIES = {
    # slug: (English, Chinese)
    "refunds": ("Refunds and returns", "退款与退货"),
    "invoices": ("Invoices", "发票"),
    "warranty": ("Warranty and repair", "保修与维修"),
    "shipping": ("Shipping and delivery", "物流配送"),
    "account": ("Account and security", "账户与安全"),
    "setup": ("Installation and setup", "安装与设置"),
    "payment": ("Orders and payment", "订单与支付"),
}

# fmt: off
ARTICLES: list[SampleArticle] = [
    SampleArticle(
        "refund_request", "refunds", ("退款", "refund"),
        "如何申请退款",
        "在 App 或网站打开“我的订单”，选择需要退款的订单，点击“申请退款”并填写原因。"
        "商品未发货时可直接退款；已发货的订单需要先退货，仓库签收后再办理退款。",
        "How to request a refund",
        "Open **My orders** in the app or on the website, choose the order and tap "
        "*Request refund*, then give a reason. If the item has not shipped yet the refund "
        "is immediate; if it has shipped, send it back first and we refund once the "
        "warehouse receives it.",
    ),
    SampleArticle(
        "refund_time", "refunds", ("退款", "到账"),
        "退款多久到账",
        "退款审核通过后，款项按原支付方式退回：微信和支付宝通常 1-3 个工作日到账，"
        "银行卡需要 3-7 个工作日，信用卡退款以发卡行入账时间为准。超过 7 个工作日仍未到账，请联系客服。",
        "How long does a refund take?",
        "After approval the money goes back to the original payment method: WeChat Pay "
        "and Alipay usually take 1-3 business days, bank cards 3-7 business days, credit "
        "cards depend on the issuing bank. If the refund has not arrived after 7 business "
        "days, contact support.",
    ),
    SampleArticle(
        "return_policy", "refunds", ("退货", "七天无理由"),
        "七天无理由退货政策",
        "自签收之日起 7 天内，商品完好、配件齐全、不影响二次销售的，可以申请七天无理由退货。"
        "定制商品、已激活的软件和贴身用品不支持无理由退货。退货运费由买家承担，质量问题除外。",
        "7-day no-reason return policy",
        "Within 7 days of delivery you can return an item without giving a reason, as long "
        "as it is undamaged, complete with accessories and resellable. Custom-made goods, "
        "activated software and personal-care items are excluded. Return shipping is paid "
        "by the buyer unless the item is faulty.",
    ),
    SampleArticle(
        "exchange", "refunds", ("换货",),
        "如何换货",
        "签收后 15 天内出现性能故障，可以申请换货：在订单详情点击“申请售后”，选择“换货”，"
        "按提示寄回商品。仓库检测确认后，我们会寄出同型号的新商品。",
        "How to exchange a product",
        "If the product develops a fault within 15 days of delivery you can ask for an "
        "exchange: open the order details, choose *After-sales service* and then "
        "*Exchange*, and ship the item back. Once the warehouse confirms the fault we send "
        "a new unit of the same model.",
    ),
    SampleArticle(
        "invoice_request", "invoices", ("发票", "invoice"),
        "如何开具发票",
        "下单时可以选择开具电子发票。下单后也可以在“我的订单 - 发票服务”中申请开票，"
        "填写发票抬头和税号，电子发票会在 24 小时内发送到您的邮箱。",
        "How to get an invoice",
        "You can ask for an electronic invoice when you place the order, or later under "
        "**My orders → Invoice service**. Enter the invoice title and tax ID; the "
        "electronic invoice is emailed to you within 24 hours.",
    ),
    SampleArticle(
        "invoice_vat", "invoices", ("发票", "增值税"),
        "增值税专用发票开具说明",
        "企业客户可以申请增值税专用发票，需要提供公司名称、纳税人识别号、注册地址、电话、开户银行和账号。"
        "专用发票为纸质发票，审核通过后 5 个工作日内邮寄。",
        "VAT special invoice (fapiao) for companies",
        "Business customers can request a VAT special invoice (zhuanyong fapiao). Provide "
        "the company name, taxpayer ID, registered address, phone number, bank and account "
        "number. Special invoices are printed on paper and posted within 5 business days "
        "after approval.",
    ),
    SampleArticle(
        "invoice_change", "invoices", ("发票", "抬头"),
        "发票抬头填错了怎么办",
        "如果发票抬头或税号填写错误，可以在开票后 30 天内申请重开：在“发票服务”中点击“换开发票”，"
        "填写正确的抬头，原发票会作废，新的电子发票重新发送到邮箱。",
        "Wrong invoice title: how to change an invoice",
        "If the invoice title or tax ID is wrong you can have the invoice reissued within "
        "30 days: in **Invoice service** choose *Reissue invoice* and enter the correct "
        "title. The old invoice is cancelled and a new electronic invoice is emailed to you.",
    ),
    SampleArticle(
        "warranty_policy", "warranty", ("保修", "warranty"),
        "保修政策与保修期",
        "整机保修期为一年，电池和充电器保修六个月，自购买发票日期起计算。"
        "人为损坏、进水和私自拆机不在保修范围内。保修期内的维修免费。",
        "Warranty policy and warranty period",
        "The product has a one-year warranty; batteries and chargers have six months, "
        "counted from the date on the purchase invoice. Accidental damage, water damage "
        "and devices opened by unauthorised people are not covered. Repairs under warranty "
        "are free.",
    ),
    SampleArticle(
        "warranty_claim", "warranty", ("保修", "维修"),
        "如何申请保修维修",
        "设备出现故障时，在 App 中选择“售后服务 - 申请维修”，填写故障描述并上传照片，"
        "可以选择寄修或到维修网点送修。请准备好购买凭证和设备序列号。",
        "How to make a warranty repair claim",
        "When your device is faulty, open *After-sales service → Request repair* in the "
        "app, describe the fault and upload photos. You can mail the device in or bring it "
        "to a service centre. Have your proof of purchase and the serial number ready.",
    ),
    SampleArticle(
        "repair_status", "warranty", ("维修", "进度"),
        "查询维修进度",
        "寄修的设备到达维修中心后，您会收到短信通知。在“售后服务 - 我的维修单”中可以查看检测、"
        "维修、质检和寄回各个环节的进度，一般 5-7 个工作日完成维修。",
        "Checking the status of a repair",
        "When your device reaches the repair centre you get a text message. Under "
        "*After-sales service → My repair orders* you can follow each step: diagnosis, "
        "repair, quality check and return shipping. Most repairs take 5-7 business days.",
    ),
    SampleArticle(
        "repair_cost", "warranty", ("维修", "收费"),
        "过保维修收费标准",
        "超过保修期或不在保修范围内的维修需要收费，费用包括配件费和人工费。"
        "维修中心检测后会先报价，您确认后才开始维修；不维修的设备可以免费寄回。",
        "Out-of-warranty repair costs",
        "Repairs after the warranty period, or not covered by it, are charged: parts plus "
        "labour. The repair centre sends a quote after diagnosis and only repairs once you "
        "accept it; if you decline, the device is returned free of charge.",
    ),
    SampleArticle(
        "shipping_time", "shipping", ("发货", "配送"),
        "发货时间与配送时效",
        "现货商品在付款后 24 小时内发货，预售商品按页面显示的时间发货。"
        "发货后江浙沪一般次日送达，其他地区 2-4 天，偏远地区 5-7 天。",
        "Shipping and delivery times",
        "Items in stock ship within 24 hours of payment; pre-orders ship on the date shown "
        "on the product page. After dispatch, delivery usually takes 1 day to nearby "
        "cities, 2-4 days elsewhere and 5-7 days to remote areas.",
    ),
    SampleArticle(
        "tracking", "shipping", ("物流", "快递"),
        "如何查询物流信息",
        "订单发货后，在“我的订单”中点击“查看物流”即可看到快递公司和快递单号，"
        "也可以用快递单号在快递公司官网查询包裹的实时位置。",
        "Tracking your parcel",
        "Once the order has shipped, open **My orders** and tap *Track package* to see the "
        "carrier and the tracking number. You can also enter the tracking number on the "
        "carrier's website to see where your parcel is.",
    ),
    SampleArticle(
        "shipping_damage", "shipping", ("破损", "物流"),
        "收到的商品破损或少件",
        "签收时请当面检查包裹。如果发现商品破损、少件或错发，请在签收后 48 小时内拍照，"
        "在订单中申请售后并上传照片，我们会为您补发或退款。",
        "Item arrived damaged or incomplete",
        "Please check the package on delivery. If the item is damaged, parts are missing or "
        "you received the wrong item, take photos within 48 hours and open an after-sales "
        "request on the order with the photos; we will send a replacement or refund you.",
    ),
    SampleArticle(
        "shipping_address", "shipping", ("收货地址",),
        "修改收货地址",
        "订单发货前可以在订单详情中修改收货地址；已发货的订单无法修改地址，"
        "请联系快递公司改派，或拒收后重新下单。",
        "Changing the delivery address",
        "Before the order ships you can change the delivery address in the order details. "
        "After dispatch the address can no longer be changed: ask the carrier to redirect "
        "the parcel, or refuse it and order again.",
    ),
    SampleArticle(
        "password_reset", "account", ("密码", "password"),
        "忘记密码怎么办",
        "在登录页点击“忘记密码”，输入绑定的手机号或邮箱，获取验证码后设置新密码。"
        "新密码至少 8 位，需要包含字母和数字。",
        "Resetting a forgotten password",
        "On the sign-in page choose *Forgot password*, enter the phone number or email "
        "address of your account, and set a new password with the verification code we "
        "send. Passwords need at least 8 characters with letters and digits.",
    ),
    SampleArticle(
        "account_locked", "account", ("账号", "锁定"),
        "账号被锁定如何解锁",
        "连续 5 次输入错误密码后，账号会被锁定 30 分钟。您可以等待自动解锁，"
        "或者通过“忘记密码”重置密码立即解锁。如果怀疑账号被盗，请尽快联系客服。",
        "Account locked after failed sign-ins",
        "After 5 wrong passwords in a row the account is locked for 30 minutes. Wait for it "
        "to unlock, or reset your password to unlock it at once. If you think someone else "
        "is using your account, contact support immediately.",
    ),
    SampleArticle(
        "change_phone", "account", ("手机号", "账号"),
        "更换绑定手机号",
        "在“账户设置 - 安全中心”中选择“更换手机号”，先验证原手机号，再输入新手机号并验证。"
        "原手机号已停用的，可以上传身份证照片人工审核。",
        "Changing the phone number on your account",
        "Go to *Account settings → Security* and choose *Change phone number*. Verify the "
        "old number first, then enter and verify the new one. If you no longer have the "
        "old number, upload a photo of your ID for a manual check.",
    ),
    SampleArticle(
        "install_app", "setup", ("App", "下载"),
        "下载并安装手机 App",
        "在应用商店搜索“Loopdesk 服务”下载 App，支持 iOS 14 和 Android 9 及以上版本。"
        "安装后使用手机号登录，即可管理订单、申请售后和查看设备。",
        "Installing the mobile app",
        "Search for *Loopdesk Service* in the App Store or your Android app store. The app "
        "needs iOS 14 or Android 9 or later. After installing, sign in with your phone "
        "number to manage orders, after-sales requests and devices.",
    ),
    SampleArticle(
        "install_printer", "setup", ("打印机", "驱动"),
        "打印机驱动安装步骤",
        "从官网“服务与支持 - 驱动下载”页面选择打印机型号，下载对应 Windows 或 macOS 的驱动程序。"
        "安装时先不要连接 USB 线，安装程序提示时再连接打印机。",
        "Installing the printer driver",
        "On the website go to *Support → Driver downloads*, pick your printer model and "
        "download the driver for Windows or macOS. Do not plug in the USB cable until the "
        "installer asks you to connect the printer.",
    ),
    SampleArticle(
        "install_ac", "setup", ("空调", "安装"),
        "空调上门安装预约",
        "空调送达后，在 App 中选择“预约安装”，填写地址和方便的时间，安装师傅会提前电话联系。"
        "标准安装免费，超出 3 米的铜管和高空作业另行收费。",
        "Booking air conditioner installation",
        "After your air conditioner is delivered, choose *Book installation* in the app "
        "and enter your address and a convenient time; the technician calls before the "
        "visit. Standard installation is free; copper pipe beyond 3 metres and work at "
        "height are charged.",
    ),
    SampleArticle(
        "wifi_setup", "setup", ("Wi-Fi", "网络"),
        "设备连接 Wi-Fi 失败怎么办",
        "设备只支持 2.4GHz Wi-Fi，请确认路由器已开启 2.4GHz 频段，Wi-Fi 名称不含特殊字符。"
        "长按设备上的配网键 5 秒进入配网模式，再在 App 中重新添加设备。",
        "Device cannot connect to Wi-Fi",
        "The device only supports 2.4 GHz Wi-Fi: make sure the 2.4 GHz band is enabled on "
        "your router and the network name has no special characters. Hold the pairing "
        "button for 5 seconds to enter pairing mode, then add the device again in the app.",
    ),
    SampleArticle(
        "firmware", "setup", ("固件", "升级"),
        "固件升级指南",
        "在 App 的设备页面点击“固件升级”查看新版本。升级过程中请保持电量在 50% 以上且不要断开网络。"
        "如果升级失败，设备会自动回退到原版本，稍后重试即可。",
        "Updating the firmware",
        "Open the device page in the app and tap *Firmware update* to see new versions. "
        "Keep the battery above 50% and stay connected during the update. If an update "
        "fails the device rolls back to the previous version; just try again later.",
    ),
    SampleArticle(
        "battery", "warranty", ("电池", "续航"),
        "电池耗电快怎么办",
        "电池续航变短时，请关闭后台常驻应用、降低屏幕亮度并更新到最新系统。"
        "如果电池健康度低于 80%，可以在保修期内申请免费更换电池。",
        "Battery drains quickly",
        "If the battery drains fast, close apps running in the background, lower the "
        "screen brightness and install the latest system update. If battery health is "
        "below 80% during the warranty period, the battery is replaced free of charge.",
    ),
    SampleArticle(
        "payment_methods", "payment", ("支付",),
        "支持哪些支付方式",
        "我们支持微信支付、支付宝、银联卡和信用卡支付，企业客户还可以选择对公转账。"
        "部分商品支持花呗和信用卡分期付款。",
        "Which payment methods are accepted",
        "We accept WeChat Pay, Alipay, UnionPay cards and credit cards; business customers "
        "can also pay by bank transfer. Some products can be paid in instalments.",
    ),
    SampleArticle(
        "payment_failed", "payment", ("支付", "失败"),
        "支付失败怎么办",
        "支付失败常见原因：银行卡余额不足、超出单日限额、网络中断或订单已超时。"
        "如果已经扣款但订单显示未支付，款项会在 24 小时内自动退回，无需重复支付。",
        "Payment failed or was declined",
        "Common reasons a payment is declined: not enough balance, the daily limit was "
        "reached, the connection dropped or the order timed out. If you were charged but "
        "the order shows unpaid, the money is returned automatically within 24 hours; do "
        "not pay twice.",
    ),
    SampleArticle(
        "order_cancel", "payment", ("订单", "取消"),
        "如何取消订单",
        "订单发货前可以在“我的订单”中点击“取消订单”，款项原路退回。"
        "订单已发货时无法取消，请在收到商品后申请退货。",
        "How to cancel an order",
        "Before the order ships you can cancel it in **My orders** with *Cancel order*; the "
        "money goes back to your payment method. Once shipped, an order cannot be "
        "cancelled: return the item after delivery instead.",
    ),
    SampleArticle(
        "coupon", "payment", ("优惠券",),
        "优惠券使用规则",
        "优惠券在结算页自动匹配，每笔订单限用一张，不能与其他满减活动叠加。"
        "使用优惠券的订单退货时，优惠券在有效期内会退回账户。",
        "How coupons work",
        "Coupons are applied on the checkout page; one coupon per order, and coupons "
        "cannot be combined with other discounts. If you return an order paid with a "
        "coupon, the coupon comes back to your account while it is still valid.",
    ),
    SampleArticle(
        "membership", "account", ("会员", "积分"),
        "会员等级与积分",
        "每消费 1 元获得 1 积分，积分可以在积分商城兑换优惠券和礼品。"
        "会员等级根据近 12 个月的积分计算，等级越高享受的售后服务越快。",
        "Membership levels and points",
        "You earn 1 point per yuan spent. Points can be exchanged for coupons and gifts in "
        "the points store. Your membership level depends on the points of the last 12 "
        "months; higher levels get faster after-sales service.",
    ),
    SampleArticle(
        "contact_support", "account", ("客服", "联系"),
        "如何联系客服",
        "在线客服工作时间为每天 9:00-21:00，可以在 App 的“我的 - 联系客服”中发起会话，"
        "也可以拨打客服热线 400-800-1234，或发送邮件到 support@example.com。",
        "Contacting customer service",
        "Online support is available every day from 9:00 to 21:00: start a chat under "
        "*Me → Contact support* in the app, call the hotline 400-800-1234, or email "
        "support@example.com.",
    ),
    SampleArticle(
        "data_privacy", "account", ("注销", "隐私"),
        "注销账号与删除个人信息",
        "在“账户设置 - 注销账号”中提交申请，我们会在 15 个工作日内删除您的个人信息。"
        "注销前请确认没有未完成的订单和售后服务，注销后无法恢复。",
        "Deleting your account and personal data",
        "Submit a request under *Account settings → Delete account* and we delete your "
        "personal data within 15 business days. Make sure no orders or after-sales "
        "requests are still open: a deleted account cannot be restored.",
    ),
    SampleArticle(
        "price_protection", "payment", ("价格保护", "差价"),
        "价格保护：降价补差价",
        "购买后 7 天内同一商品降价的，可以申请价格保护，差价以原支付方式退回。"
        "秒杀、拼团和清仓商品不参与价格保护。",
        "Price protection: refund of the price difference",
        "If the price of the same product drops within 7 days of your purchase, request "
        "price protection and we refund the difference to your payment method. Flash "
        "sales, group buys and clearance items are excluded.",
    ),
]
# fmt: on

# (query, language, relevant article keys): a result counts when it is one of them.
QUALITY_QUERIES: list[tuple[str, str, tuple[str, ...]]] = [
    ("退款多久到账", "zh-hans", ("refund_time",)),
    ("怎么申请退款", "zh-hans", ("refund_request",)),
    ("七天无理由退货", "zh-hans", ("return_policy",)),
    ("换货", "zh-hans", ("exchange",)),
    ("开发票", "zh-hans", ("invoice_request", "invoice_vat", "invoice_change")),
    ("增值税专用发票", "zh-hans", ("invoice_vat",)),
    ("发票抬头写错了", "zh-hans", ("invoice_change",)),
    ("保修期多长", "zh-hans", ("warranty_policy",)),
    ("手机坏了怎么保修", "zh-hans", ("warranty_claim", "warranty_policy")),
    ("维修进度", "zh-hans", ("repair_status",)),
    ("过了保修期维修要钱吗", "zh-hans", ("repair_cost",)),
    ("什么时候发货", "zh-hans", ("shipping_time",)),
    ("快递单号查询物流", "zh-hans", ("tracking",)),
    ("收到的商品破损", "zh-hans", ("shipping_damage",)),
    ("修改收货地址", "zh-hans", ("shipping_address",)),
    ("忘记密码", "zh-hans", ("password_reset",)),
    ("账号被锁", "zh-hans", ("account_locked",)),
    ("换手机号", "zh-hans", ("change_phone",)),
    ("打印机驱动安装", "zh-hans", ("install_printer",)),
    ("空调安装预约", "zh-hans", ("install_ac",)),
    ("连不上wifi", "zh-hans", ("wifi_setup",)),
    ("固件升级失败", "zh-hans", ("firmware",)),
    ("支付失败", "zh-hans", ("payment_failed",)),
    ("取消订单", "zh-hans", ("order_cancel",)),
    ("优惠券", "zh-hans", ("coupon",)),
    ("注销账号", "zh-hans", ("data_privacy",)),
    ("降价了能退差价吗", "zh-hans", ("price_protection",)),
    ("refund", "en", ("refund_request", "refund_time")),
    ("how long does a refund take", "en", ("refund_time",)),
    ("return without a reason", "en", ("return_policy",)),
    ("invoice", "en", ("invoice_request", "invoice_vat", "invoice_change")),
    ("VAT fapiao", "en", ("invoice_vat",)),
    ("warranty period", "en", ("warranty_policy",)),
    ("repair status", "en", ("repair_status",)),
    ("where is my parcel", "en", ("tracking",)),
    ("damaged package", "en", ("shipping_damage",)),
    ("forgot password", "en", ("password_reset",)),
    ("pasword reset", "en", ("password_reset",)),  # typo
    ("instal printer driver", "en", ("install_printer",)),  # typo
    ("wifi connection", "en", ("wifi_setup",)),
    ("firmware update", "en", ("firmware",)),
    ("battery drains fast", "en", ("battery",)),
    ("payment declined", "en", ("payment_failed",)),
    ("cancel my order", "en", ("order_cancel",)),
    ("delete my account", "en", ("data_privacy",)),
    ("price drop difference", "en", ("price_protection",)),
    ("membership points", "en", ("membership",)),
    ("contact customer service", "en", ("contact_support",)),
]


def create_sample_articles(*, user, keys: set[str] | None = None) -> dict[tuple[str, str], object]:
    """Publish the sample set (or the topics in `keys`) through the services; returns
    {(key, language): Article}. Categories are created when missing."""
    from .models import Category
    from .services import article_create, article_set_status, category_create

    categories = {c.slug: c for c in Category.objects.filter(slug__in=CATEGORIES)}
    for position, (slug, (name_en, name_zh)) in enumerate(CATEGORIES.items()):
        if slug not in categories:
            categories[slug] = category_create(
                user=user, slug=slug, name_en=name_en, name_zh=name_zh, position=position
            )
    made: dict[tuple[str, str], object] = {}
    for sample in ARTICLES:
        if keys is not None and sample.key not in keys:
            continue
        zh = article_create(
            user=user,
            language="zh-hans",
            title=sample.zh_title,
            body_md=sample.zh_body,
            category=categories[sample.category],
            tags=sample.tags,
        )
        en = article_create(
            user=user,
            language="en",
            title=sample.en_title,
            body_md=sample.en_body,
            category=categories[sample.category],
            tags=sample.tags,
            translation_of=zh,
        )
        for article in (zh, en):
            made[(sample.key, article.language)] = article_set_status(
                user=user, article=article, status="published"
            )
    return made
