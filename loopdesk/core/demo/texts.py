"""What the demo tickets are about: the product tree, custom fields and message texts.

Placeholders filled per ticket: {name} customer, {agent} agent, {model}, {serial},
{order} order number, {date}, {amount}, {city}.
"""

# parent, children (Chinese and English together, as a bilingual shop would name them)
CATEGORY_TREE = [
    ("空调 Air conditioner", ["安装 Installation", "维修 Repair", "清洗 Cleaning"]),
    ("冰箱 Refrigerator", ["维修 Repair", "安装 Installation"]),
    ("洗衣机 Washing machine", ["维修 Repair", "安装 Installation"]),
    ("热水器 Water heater", ["安装 Installation", "维修 Repair"]),
    ("软件订阅 Software subscription", ["账号登录 Login", "App 使用 App usage"]),
    ("订单与物流 Orders & delivery", ["配送 Delivery", "退换货 Returns"]),
    ("账单 Billing", ["发票 Invoice", "退款 Refund"]),
]

MODELS = [
    "KF-35GW 变频挂机",
    "KFR-72LW 柜机",
    "BCD-520 对开门冰箱",
    "XQG100 滚筒洗衣机",
    "JSQ30 燃气热水器",
    "LoopHome Pro 订阅",
]

# key, English label, Chinese label, kind, options, ticket types (empty: all)
CUSTOM_FIELDS = [
    ("serial_number", "Serial number", "序列号", "text", [], ["repair", "return", "incident"]),
    ("model", "Model", "型号", "select", MODELS, []),
    ("purchase_date", "Purchase date", "购买日期", "date", [], []),
    ("under_warranty", "Under warranty", "在保修期内", "checkbox", [], []),
]

TAGS = [
    "保修",
    "上门",
    "加急",
    "vip",
    "回访",
    "配件",
    "发票",
    "退款",
    "物流",
    "安装",
    "login",
    "app",
    "complaint",
    "wechat",
    "warranty",
    "refund",
    "invoice",
    "parts",
]

# Scenarios: category (parent index, child index or None), type, team key, tags,
# whether product fields apply, Chinese subject/body, English subject/body.
SCENARIOS = [
    (
        (0, 1),
        "repair",
        "repair",
        ["保修", "上门"],
        True,
        "空调不制冷，出风口只有热风",
        "您好，我家{model}空调从昨天开始不制冷，出风口一直吹热风，遥控器显示正常。序列号 {serial}，去年{date}买的，还在保修期内吗？麻烦安排师傅上门。",
        "Air conditioner blowing warm air",
        "Hello, our {model} stopped cooling yesterday and only blows warm air. Serial {serial}, bought on {date}. Is it still under warranty? Please send a technician.",
    ),
    (
        (0, 0),
        "task",
        "repair",
        ["安装", "上门"],
        True,
        "新买的空调预约安装",
        "订单号 {order}，空调已经送到{city}的家里，想预约这周六上午安装，需要打孔，请问安装费怎么算？",
        "Booking installation for a new AC unit",
        "Order {order} was delivered to our office in {city}. Can we book the installation for Saturday morning? The wall needs drilling; what does installation cost?",
    ),
    (
        (0, 2),
        "question",
        "repair",
        ["回访"],
        True,
        "空调清洗服务咨询",
        "夏天快到了，想给两台空调做深度清洗，请问价格和预约方式？",
        "Question about AC cleaning service",
        "Summer is coming and we would like two units deep-cleaned. What is the price and how do we book?",
    ),
    (
        (1, 0),
        "repair",
        "repair",
        ["保修", "配件"],
        True,
        "冰箱冷藏室结霜严重",
        "{model}冷藏室后壁结了厚厚一层霜，食物也不够冷，晚上还有咔咔的响声。",
        "Fridge compartment icing up",
        "The back wall of our {model} fridge compartment is covered in ice, food is not cold enough and it makes clicking noises at night.",
    ),
    (
        (2, 0),
        "repair",
        "repair",
        ["上门", "加急"],
        True,
        "洗衣机脱水时剧烈晃动并报错 E4",
        "洗衣机一到脱水就剧烈晃动，然后显示 E4 停机，家里有小孩衣服急着洗，能尽快上门吗？",
        "Washing machine shakes and shows error E4",
        "Our washing machine shakes violently on the spin cycle and stops with error E4. Could someone come soon?",
    ),
    (
        (3, 1),
        "incident",
        "repair",
        ["加急", "上门"],
        True,
        "热水器打不着火",
        "{model}热水器打不着火，显示 E1，燃气是通的，今天早上还用过。",
        "Water heater will not ignite",
        "Our {model} water heater will not ignite and shows E1. The gas supply is fine; it worked this morning.",
    ),
    (
        (4, 0),
        "incident",
        "support",
        ["login", "app"],
        False,
        "App 登录一直提示验证码错误",
        "手机号 {phone} 登录 LoopHome App 一直提示验证码错误，换了网络也不行，已经试了十几次。",
        "Cannot log in to the app: code rejected",
        "Logging in to the LoopHome app with my phone number keeps saying the verification code is wrong. I have tried more than ten times.",
    ),
    (
        (4, 1),
        "question",
        "support",
        ["app"],
        False,
        "App 里绑定不了新空调",
        "按说明书扫码绑定空调，进度条到 90% 就失败，路由器是 5G 频段，是不是不支持？",
        "App fails to pair a new unit",
        "Pairing the AC in the app fails at 90%. Our router is on 5 GHz only; is that supported?",
    ),
    (
        (4, 0),
        "question",
        "support",
        ["login"],
        False,
        "企业账号如何添加子账号",
        "我们公司买了 LoopHome Pro 订阅，想给 5 个同事开子账号，在哪里设置？",
        "How do I add users to our business account?",
        "We bought a LoopHome Pro subscription and would like to add five colleagues. Where is that set up?",
    ),
    (
        (6, 0),
        "question",
        "billing",
        ["发票", "invoice"],
        False,
        "申请开具增值税专用发票",
        "订单 {order} 需要开增值税专用发票，公司抬头和税号见附件信息：{org}，金额 {amount} 元。",
        "VAT invoice request",
        "Please issue a VAT invoice for order {order}, amount CNY {amount}. Company details: {org}.",
    ),
    (
        (6, 1),
        "return",
        "billing",
        ["退款", "refund"],
        False,
        "退款申请：重复扣款",
        "我在 {date} 下单，订单号 {order}，被扣了两次款共 {amount} 元，请退还重复的那一笔。",
        "Refund request: charged twice",
        "I ordered on {date} (order {order}) and was charged twice, CNY {amount} in total. Please refund the duplicate payment.",
    ),
    (
        (6, 0),
        "question",
        "billing",
        ["发票"],
        False,
        "发票抬头开错了，能重开吗",
        "上周收到的电子发票抬头写成了个人，我们需要公司抬头，可以作废重开吗？",
        "Invoice issued to the wrong name",
        "The e-invoice we received last week is made out to a person instead of our company. Can it be reissued?",
    ),
    (
        (5, 0),
        "complaint",
        "billing",
        ["物流", "complaint"],
        False,
        "配送延误一周还没到",
        "订单 {order} 说好三天送达，现在已经一周了物流还停在{city}中转站，客服电话也打不通。",
        "Delivery a week late",
        "Order {order} was promised within three days. It has been a week and tracking still shows the {city} hub.",
    ),
    (
        (5, 1),
        "return",
        "billing",
        ["退款", "物流"],
        True,
        "冰箱外观有凹痕，要求换货",
        "今天送到的{model}侧面有明显凹痕，送货师傅说让我联系客服换货，照片已拍。",
        "Fridge arrived dented: exchange please",
        "The {model} delivered today has a clear dent on the side. The driver told me to contact you for an exchange.",
    ),
    (
        (None, None),
        "complaint",
        "key_accounts",
        ["vip", "回访"],
        True,
        "多家门店空调同时故障，需要批量维修",
        "我们在{city}的 6 家门店空调本周陆续出现故障，需要安排批量检修并提供报价。",
        "Several stores need AC repairs at once",
        "Six of our stores in {city} have had AC failures this week. Please arrange a bulk inspection and send a quote.",
    ),
    (
        (None, None),
        "task",
        "key_accounts",
        ["vip"],
        False,
        "年度维保合同续签",
        "我们的年度维保合同 {date} 到期，想了解续签价格和今年新增的服务内容。",
        "Renewing the annual maintenance contract",
        "Our annual maintenance contract ends on {date}. What would renewal cost and what is new this year?",
    ),
]

CUSTOMER_FOLLOWUPS = {
    "zh-hans": [
        "好的，谢谢。师傅大概几点能到？",
        "还是不行，今天又出现同样的问题了。",
        "照片已经发过去了，请查收。",
        "我明天白天都在家，下午两点以后都可以。",
        "请问进度怎么样了？已经等了好几天。",
        "收到，按你说的操作后好了，谢谢！",
        "发票请发到我的邮箱，谢谢。",
        "能不能给个大概的费用？",
    ],
    "en": [
        "Thanks. Roughly what time will the technician arrive?",
        "It is still not working; the same thing happened again today.",
        "I have sent the photos, please check.",
        "I am at home all day tomorrow, any time after 2 pm works.",
        "Any update? We have been waiting a few days now.",
        "That fixed it, thank you!",
        "Please send the invoice to my email address.",
        "Could you give me a rough idea of the cost?",
    ],
}

AGENT_REPLIES = {
    "zh-hans": [
        "{name}您好，已为您登记，维修师傅会在 24 小时内电话联系您确认上门时间。",
        "{name}您好，麻烦提供一下机身铭牌的照片和购买凭证，我们核实保修状态。",
        "您好，请先断电 5 分钟后重新开机试一下，如果仍有问题请回复我们。",
        "您好，发票已重新开具，电子版已发送到您的邮箱，请查收。",
        "您好，退款已提交财务，预计 3–5 个工作日原路退回。",
        "您好，配件已到货，师傅明天上午上门更换。",
        "您好，已升级给技术团队排查，有进展第一时间通知您。",
    ],
    "en": [
        "Hi {name}, you are booked in; a technician will call within 24 hours to arrange a visit.",
        "Hi {name}, could you send a photo of the rating plate and your proof of purchase so we can check the warranty?",
        "Hello, please switch the unit off at the mains for five minutes and try again. Let us know if it persists.",
        "Hello, the corrected invoice has been issued and emailed to you.",
        "Hello, your refund has been submitted and should reach your account in 3–5 working days.",
        "Hello, the part has arrived and the technician will replace it tomorrow morning.",
        "Hello, I have escalated this to our technical team and will update you as soon as I hear back.",
    ],
}

SOLVED_REPLIES = {
    "zh-hans": [
        "{name}您好，问题已处理完毕，如还有问题请直接回复本工单。祝您生活愉快！",
        "您好，维修已完成，感谢您的耐心等待。",
    ],
    "en": [
        "Hi {name}, this is now resolved. If anything else comes up, just reply to this ticket.",
        "Hello, the repair is complete. Thank you for your patience.",
    ],
}

# Internal notes; {mention} is an @handle of a colleague.
NOTES = [
    "{mention} 这个客户上个月也报过同样的故障，麻烦看一下是不是同一批次的压缩机。",
    "{mention} 客户是 VIP，请优先安排师傅。",
    "{mention} can you check whether this order was refunded already? The payment log shows two entries.",
    "已电话联系客户，约好明天下午上门。",
    "Spoke to the customer on the phone; waiting for photos before we dispatch.",
    "{mention} 发票信息核对无误，请财务开票。",
    "{mention} please take over, I am off from tomorrow.",
]

ON_HOLD_NOTES = [
    "等待厂家配件到货，预计一周。",
    "Waiting for the supplier to confirm the replacement part.",
]
CITIES = ["上海", "北京", "杭州", "深圳", "成都", "南京", "武汉", "Singapore", "London", "Hamburg"]
