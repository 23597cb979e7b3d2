"""Bilingual demo content for ``manage.py demo_campaigns``: data only, no logic.

Every person and organisation here is invented; addresses and numbers are placeholders.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal


def rich(*paragraphs: str) -> list[tuple[str, str]]:
    return [("paragraph", f"<p>{p}</p>") for p in paragraphs]


# The platform the demo's campaigns name as the designated one: invented, like everything here.
DEMO_PLATFORM = {
    "zh": "清源公益平台（演示）",
    "en": "Clearfund giving platform (demo)",
    "url": "https://giving.clearfund.example/",
}

SITE_SETTINGS = {
    "organisation_name": "清源公益基金会",
    "organisation_name_en": "Clearfund Charitable Foundation",
    "organisation_address": "湖南省长沙市岳麓区示例路 1 号（演示地址）",
    "organisation_address_en": "1 Example Road, Yuelu District, Changsha, Hunan (demo address)",
    "registration_number": "53430000MJ0000001F",
    # An official number is shown as issued in both languages; "示例" marks it invented, and no
    # English "(demo)" sits on the Chinese pages (issue 13).
    "fundraising_qualification": "湘民慈〔2025〕示例 001 号",
    "fundraising_qualification_en": "Xiangminci [2025] Example No. 001",
    "contact_email": "hello@clearfund.example",
    "contact_phone": "0731 0000 0000",
    "footer_text": "每一分善款都可追溯：托管在独立账户，核实成果后才拨付给合作机构。",
    "footer_text_en": "Every cent is traceable: gifts are held in escrow and paid to partners only for verified outcomes.",
    "legal_notice": "本网站为演示站点，所有人物与机构均为虚构。",
    "legal_notice_en": "This is a demonstration site; every person and organisation on it is invented.",
}

PARTNERS = [
    {
        "key": "hospital",
        "name": "江华瑶族自治县人民医院眼科",
        "kind": "hospital",
        "region": "湖南省永州市江华瑶族自治县",
        "description": "县级综合医院眼科，每年完成约 800 例白内障复明手术。",
        "name_en": "Eye Department, Jianghua Yao Autonomous County People's Hospital",
        "region_en": "Jianghua Yao Autonomous County, Yongzhou, Hunan",
        "description_en": "The eye department of the county hospital performs about 800 cataract surgeries a year.",
    },
    {
        "key": "vocational",
        "name": "丹寨县中等职业学校",
        "kind": "school",
        "region": "贵州省黔东南州丹寨县",
        "description": "开设护理、电子商务和民族工艺专业。",
        "name_en": "Danzhai County Secondary Vocational School",
        "region_en": "Danzhai County, Qiandongnan, Guizhou",
        "description_en": "Courses in nursing, e-commerce and traditional crafts.",
    },
    {
        "key": "highschool",
        "name": "大方县第一中学",
        "kind": "school",
        "region": "贵州省毕节市大方县",
        "description": "县属普通高中，在校生约 3,000 人。",
        "name_en": "Dafang County No. 1 High School",
        "region_en": "Dafang County, Bijie, Guizhou",
        "description_en": "The county's public high school, with about 3,000 students.",
    },
    {
        "key": "training",
        "name": "凉山州乡村创业带头人培训中心",
        "kind": "training_centre",
        "region": "四川省凉山彝族自治州昭觉县",
        "description": "为村级创业带头人提供经营、财务与电商培训。",
        "name_en": "Liangshan Rural Entrepreneur-Leader Training Centre",
        "region_en": "Zhaojue County, Liangshan Yi Autonomous Prefecture, Sichuan",
        "description_en": "Business, bookkeeping and e-commerce training for village entrepreneur leaders.",
    },
]

HOME = {
    "zh": {
        "title": "清源公益",
        "hero_heading": "让每一分善款都看得见去向",
        "hero_text": "为建档立卡家庭的白内障手术、学费和创业培训筹款。善款托管，成果核实后才拨付。",
        "promise_text": "捐赠人可以查到自己的每一笔善款：还有多少在托管，拨付给了哪家机构，对应哪一项经核实的成果。",
    },
    "en": {
        "title": "Clearfund",
        "hero_heading": "See where every cent goes",
        "hero_text": "Raising funds for cataract surgery, school fees and entrepreneur training for registered poor "
        "households. Gifts are held in escrow and paid out only for verified outcomes.",
        "promise_text": "Donors can follow each gift: how much is still held, which partner received it, and for "
        "which verified outcome.",
    },
}

INDEX = {
    "zh": {"title": "筹款项目", "intro": "按类别、地区和状态筛选正在进行和已完成的项目。"},
    "en": {"title": "Campaigns", "intro": "Filter current and past campaigns by kind, region and status."},
}

CAMPAIGNS = [
    {
        "slug": "cataract-surgery",
        "filing_number": "53430000MJ0000001F26001",  # demo: the charity's code, year, plan
        "kind": "medical",
        "funding_model": "keep",
        "currency": "CNY",
        "goal": Decimal("600000"),
        "unit_cost": Decimal("3000"),
        "deadline_in": timedelta(days=150),
        "partners": ["hospital"],
        "colour": (11, 93, 75),
        "region": {"zh": "湖南省永州市江华瑶族自治县", "en": "Jianghua County, Yongzhou, Hunan"},
        "zh": {
            "title": "白内障复明手术项目",
            "intro": "3,000 元让一位老人重见光明。为江华县 200 位建档立卡家庭的白内障患者筹集手术费。",
            "unit_label": "一例白内障手术",
            "story": [
                ("heading", "看不见的日子"),
                *rich(
                    "在江华瑶族自治县的山村里，很多六十岁以上的老人患有白内障。手术只需要二十分钟，"
                    "但对于靠几亩田生活的家庭来说，3,000 元的费用往往意味着一年的收入。",
                    "我们与县人民医院眼科合作：医生下乡筛查，村干部和驻村工作队核实每位患者的建档立卡身份，"
                    "手术完成并经复查后，善款才从托管账户拨付给医院。",
                ),
                (
                    "quote",
                    {"quote": "做完手术第二天，我又能看清孙女的脸了。", "attribution": "一位 72 岁的患者"},
                ),
                (
                    "figures",
                    [{"value": "200", "label": "位待手术患者"}, {"value": "¥3,000", "label": "每例手术费用"}],
                ),
            ],
            # What the demo's records show (payments demo_verification): one surgery verified, its
            # follow-up note, its ¥3,000 release (public notice, then paid). Say no more than that.
            "update": {
                "title": "首位患者完成手术",
                "summary": "县医院眼科为首位患者完成了白内障手术，术后随访视力恢复至 0.6。",
                "body": rich(
                    "核实员确认手术后，拨付给医院的 3,000 元先在项目页面公示，无人异议才会批准拨付；"
                    "每一笔拨付都可以在项目页面查到。"
                ),
            },
        },
        "en": {
            "title": "Cataract surgery programme",
            "intro": "¥3,000 gives an elderly patient their sight back. Funding surgery for 200 patients from "
            "registered poor households in Jianghua County.",
            "unit_label": "one cataract surgery",
            "story": [
                ("heading", "Days without sight"),
                *rich(
                    "In the mountain villages of Jianghua, many people over sixty live with cataracts. The "
                    "operation takes twenty minutes, but for a family living from a few fields its ¥3,000 cost "
                    "is often a year's income.",
                    "We work with the eye department of the county hospital: doctors screen in the villages, "
                    "village officials and resident work teams verify each patient against the poverty registry, "
                    "and funds leave escrow for the hospital only after the surgery and a follow-up check.",
                ),
                (
                    "quote",
                    {
                        "quote": "The day after the operation I could see my granddaughter's face again.",
                        "attribution": "a 72-year-old patient",
                    },
                ),
                (
                    "figures",
                    [
                        {"value": "200", "label": "patients waiting"},
                        {"value": "¥3,000", "label": "per surgery"},
                    ],
                ),
            ],
            "update": {
                "title": "First patient operated",
                "summary": "The county hospital's eye department operated the first patient; at the follow-up "
                "check their vision had recovered to 0.6.",
                "body": rich(
                    "Once a verifier has confirmed the surgery, the ¥3,000 release to the hospital is shown on "
                    "the campaign page for public notice, and approved only if no one objects. Every release "
                    "can be looked up on the campaign page."
                ),
            },
        },
    },
    {
        "slug": "tuition-aid",
        "filing_number": "53430000MJ0000001F26002",  # demo: the charity's code, year, plan
        "kind": "education",
        "funding_model": "keep",
        "currency": "CNY",
        "goal": Decimal("250000"),
        "unit_cost": Decimal("2500"),
        "deadline_in": timedelta(days=120),
        "partners": ["vocational", "highschool"],
        "colour": (29, 78, 137),
        "region": {"zh": "贵州省黔东南州丹寨县", "en": "Danzhai County, Qiandongnan, Guizhou"},
        "zh": {
            "title": "高中与中职助学金",
            "intro": "2,500 元支付一名学生一个学期的学杂费和住宿费，直接拨付给学校。",
            "unit_label": "一个学期的学费",
            "story": [
                ("heading", "不让任何一个孩子因贫辍学"),
                *rich(
                    "丹寨县和大方县有近百名来自建档立卡家庭的高中和中职学生，每学期的学杂费和住宿费约 2,500 元。",
                    "每学期开学后，学校确认学生在读，核实员签字确认，财务人员复核后，该学期费用才从托管账户拨付给学校。",
                ),
                (
                    "quote",
                    {
                        "quote": "我想成为一名护士，回到村里的卫生室工作。",
                        "attribution": "一名中职护理专业学生",
                    },
                ),
            ],
        },
        "en": {
            "title": "Tuition aid for high-school and vocational students",
            "intro": "¥2,500 pays one student's fees and boarding for a term, paid directly to the school.",
            "unit_label": "one term's fees",
            "story": [
                ("heading", "No child leaves school because of poverty"),
                *rich(
                    "Nearly a hundred high-school and vocational students from registered households in Danzhai "
                    "and Dafang need about ¥2,500 a term for fees and boarding.",
                    "Each term, once the school confirms that the student is enrolled and a verifier signs it off, "
                    "a finance officer approves the release and the term's fees go from escrow to the school.",
                ),
                (
                    "quote",
                    {
                        "quote": "I want to become a nurse and work at our village clinic.",
                        "attribution": "a vocational nursing student",
                    },
                ),
            ],
        },
    },
    {
        "slug": "entrepreneur-leaders",
        "filing_number": "53430000MJ0000001F26003",  # demo: the charity's code, year, plan
        "kind": "livelihood",
        "funding_model": "all_or_nothing",
        "currency": "CNY",
        "goal": Decimal("360000"),
        "unit_cost": Decimal("12000"),
        "deadline_in": timedelta(days=90),
        "partners": ["training"],
        "colour": (150, 75, 0),
        "region": {"zh": "四川省凉山彝族自治州昭觉县", "en": "Zhaojue County, Liangshan, Sichuan"},
        "zh": {
            "title": "乡村创业带头人培训",
            "intro": "每村培养 2–3 名创业带头人：完成培训模块、商业计划获批后分阶段发放 12,000 元启动资金。",
            "unit_label": "一位带头人的分阶段资助",
            "story": [
                ("heading", "一个人带动一个村"),
                *rich(
                    "昭觉县的 15 个村将各推选 2 名创业带头人，参加为期三个月的经营、财务与电商培训。",
                    "资金分三个阶段拨付：完成第一个培训模块、完成第二个培训模块、商业计划通过评审，各阶段经核实后才拨付。本项目为“全有或全无”模式："
                    "截止日前未达到目标，全部善款将退回捐赠人。",
                ),
                ("figures", [{"value": "30", "label": "位带头人"}, {"value": "3", "label": "个拨付阶段"}]),
            ],
        },
        "en": {
            "title": "Entrepreneur-leader training",
            "intro": "Two or three leaders per village: a ¥12,000 start-up grant released in stages as training "
            "modules are completed and a business plan is approved.",
            "unit_label": "one leader's staged grant",
            "story": [
                ("heading", "One person can lift a village"),
                *rich(
                    "Fifteen villages in Zhaojue County each choose two leaders for three months of training in "
                    "running a business, bookkeeping and selling online.",
                    "The grant is released in three stages, each once it is verified: the first training module "
                    "completed, the second completed, then the business plan approved. This campaign is all or nothing: if the goal is not reached by the "
                    "deadline, every gift is refunded.",
                ),
                ("figures", [{"value": "30", "label": "leaders"}, {"value": "3", "label": "release stages"}]),
            ],
        },
    },
]

ABOUT = {
    "slug": "about",
    "zh": {
        "title": "关于我们",
        "intro": "清源公益是一个开源的公益众筹平台，专注于医疗和教育救助。",
        "body": rich(
            "我们只为经核实的建档立卡家庭筹款。每位受助人都由核实员对照官方档案逐一确认。",
            "善款进入独立的托管账户；合作机构提交成果凭证、核实员确认、财务人员复核后才会拨付。",
        ),
    },
    "en": {
        "title": "About us",
        "intro": "Clearfund is an open-source crowdfunding platform for medical and education aid.",
        "body": rich(
            "We raise funds only for verified registered poor households. A verifier checks every "
            "beneficiary against the official registry.",
            "Gifts go into escrow; they are paid to a partner only after the partner sends evidence of the "
            "outcome, a verifier confirms it and a finance officer approves the release.",
        ),
    },
}

SHOWCASE = {
    "slug": "cataract-results",
    "zh": {
        "title": "江华复明行动成果",
        "intro": "2025 年，江华县人民医院眼科为 126 位建档立卡家庭的老人完成了白内障手术"
        "（医院自报的全年数字，早于本平台的项目，不是经本平台拨付的手术）。",
        "body": [
            (
                "figures",
                [
                    {"value": "126", "label": "例手术（医院自报）"},
                    {"value": "98%", "label": "复查视力改善（医院自报）"},
                    {"value": "14", "label": "个乡镇"},
                ],
            ),
            *rich("经本平台资助的手术，每一例都由核实员确认，拨付记录可在项目页面查询。"),
        ],
    },
    "en": {
        "title": "Jianghua sight-restoration results",
        "intro": "In 2025 the county hospital's eye department operated 126 elderly patients from registered "
        "poor households (the hospital's own figure for the year, before this programme: not surgeries "
        "paid through Clearfund).",
        "body": [
            (
                "figures",
                [
                    {"value": "126", "label": "surgeries (hospital's figure)"},
                    {"value": "98%", "label": "improved vision (hospital's figure)"},
                    {"value": "14", "label": "townships"},
                ],
            ),
            *rich(
                "Each surgery funded through Clearfund is confirmed by a verifier; each release can be looked "
                "up on the campaign page."
            ),
        ],
    },
}

ROLE_MODEL = {
    "slug": "village-doctor",
    "partner": "hospital",
    "zh": {
        "title": "走遍 40 个村的眼科医生",
        "person_name": "盘医生",
        "role": "江华县人民医院眼科医生",
        "quote": "很多老人不是不想治，是不知道能治。",
        "body": rich("盘医生每月有一周在乡下筛查，她培训的村医已经能够初步识别白内障，并把患者转到县医院。"),
    },
    "en": {
        "title": "The eye doctor who visited 40 villages",
        "person_name": "Dr Pan",
        "role": "ophthalmologist, Jianghua County People's Hospital",
        "quote": "Many elderly people don't refuse treatment; they don't know it exists.",
        "body": rich(
            "Dr Pan spends one week a month screening in the villages. The village doctors she has trained "
            "now recognise cataracts and refer patients to the county hospital."
        ),
    },
}
