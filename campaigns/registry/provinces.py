"""Province-level divisions of China by their registry names, with their English names, so the
needs' match rate by province reads in the reader's language (ADR 0403). Registry files name
provinces in full (贵州省, 广西壮族自治区); an unknown name is shown as it is, marked "not yet
translated"."""

from __future__ import annotations

from campaigns.reader_language import ReaderText, reads_english

PROVINCES_EN = {
    "北京市": "Beijing", "天津市": "Tianjin", "上海市": "Shanghai", "重庆市": "Chongqing",
    "河北省": "Hebei", "山西省": "Shanxi", "辽宁省": "Liaoning", "吉林省": "Jilin",
    "黑龙江省": "Heilongjiang", "江苏省": "Jiangsu", "浙江省": "Zhejiang", "安徽省": "Anhui",
    "福建省": "Fujian", "江西省": "Jiangxi", "山东省": "Shandong", "河南省": "Henan",
    "湖北省": "Hubei", "湖南省": "Hunan", "广东省": "Guangdong", "海南省": "Hainan",
    "四川省": "Sichuan", "贵州省": "Guizhou", "云南省": "Yunnan", "陕西省": "Shaanxi",
    "甘肃省": "Gansu", "青海省": "Qinghai", "台湾省": "Taiwan",
    "内蒙古自治区": "Inner Mongolia", "广西壮族自治区": "Guangxi", "西藏自治区": "Tibet",
    "宁夏回族自治区": "Ningxia", "新疆维吾尔自治区": "Xinjiang",
    "香港特别行政区": "Hong Kong", "澳门特别行政区": "Macao",
}  # fmt: skip


def province_in_reader_language(name: str, *, language: str | None = None) -> ReaderText:
    """``name`` (a registry province) for the active or given language."""
    if not reads_english(language) or not name:
        return ReaderText(name)
    english = PROVINCES_EN.get(name)
    return ReaderText(english) if english else ReaderText(name, missing=True)
