"""What a quantity counts (Target.object, loaders/targets.py): read on real phrases of the five examples, the
expected objects written by hand, and on a few made-up phrases for the rules the examples do not show."""
from __future__ import annotations

from pathlib import Path

import pytest

from policykg.loaders.targets import OBJECT_MAX, find_quantities, read_object

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _read(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("gbk")


# each example's text without blanks (a phrase is found whatever its line wrapping)
EXAMPLE_TEXTS = {path.name: "".join(_read(path).split()) for path in sorted(EXAMPLES.glob("*.txt"))}

# (phrase as printed in examples/, quantity as printed, the object it counts)
REAL = [
    ("建设1000门省级在线开放课程和50个示范性虚拟仿真实训基地。", "1000门", "省级在线开放课程"),
    ("建设1000门省级在线开放课程和50个示范性虚拟仿真实训基地。", "50个", "示范性虚拟仿真实训基地"),
    ("推动建设100所优秀中等职业学校和300个优质专业，", "100所", "优秀中等职业学校"),
    ("推动建设100所优秀中等职业学校和300个优质专业，", "300个", "优质专业"),
    ("建设50所左右省高水平高等职业院校和200个省高水平专业群，", "50所左右", "省高水平高等职业院校"),
    ("每年从行业企业选聘200名左右的产业教授参与职业教育人才培养。", "200名左右", "产业教授"),
    ("建成50个产教融合集成平台、20个公共实习实训中心（平台）、30个紧密型职教集团。", "50个", "产教融合集成平台"),
    ("建成50个产教融合集成平台、20个公共实习实训中心（平台）、30个紧密型职教集团。", "20个", "公共实习实训中心"),
    ("培育200所左右“三全育人”典型学校，", "200所左右", "“三全育人”典型学校"),
    ("培训10000名左右德育骨干管理人员、思政课专任教师，", "10000名左右", "德育骨干管理人员、思政课专任教师"),
    ("10000个左右具有职业教育特点的课程思政教育案例", "10000个左右", "具有职业教育特点的课程思政教育案例"),
    ("遴选1000所左右优质中职学校和3000个左右优质专业", "1000所左右", "优质中职学校"),
    ("集中培训5000名左右中职校长（书记）和1000名左右高职校长（书记），", "5000名左右", "中职校长"),
    ("建设1000门 左右省级及以上精品在线开放课程、20个 左右示范性虚拟仿真实训基地。", "1000门 左右",
     "省级及以上精品在线开放课程"),
    ("建设1000门 左右省级及以上精品在线开放课程、20个 左右示范性虚拟仿真实训基地。", "20个 左右",
     "示范性虚拟仿真实训基地"),
    ("培育10所左右股份制 、混合所有制职业院校或二级学院。", "10所左右", "股份制、混合所有制职业院校或二级学院"),
    ("遴选培育20个左右示范性 职工培训基地、10所左右特色职业培训学 院。", "20个左右", "示范性职工培训基地"),
    ("遴选培育20个左右示范性 职工培训基地、10所左右特色职业培训学 院。", "10所左右", "特色职业培训学院"),
    ("引导和鼓励重点企业与2所以上职业院校 建立人才联合培养机制，", "2所以上", "职业院校"),
    ("县(市、区)至少要建成 1 所符合标准、设施完善、功能齐全的公办达标中等职业学校。", "1 所",
     "符合标准、设施完善、功能齐全的公办达标中等职业学校"),
    ("遴选建设10个覆盖骨干专业（群）、引领教育教学模式改革创新的市级职业学校教师教学创新团队。", "10个",
     "覆盖骨干专业（群）、引领教育教学模式改革创新的市级职业学校教师教学创新团队"),
    ("10个高水平专业（群）和5个产业急需、特色鲜明的技工教育品牌专业。", "10个", "高水平专业"),
    ("10个高水平专业（群）和5个产业急需、特色鲜明的技工教育品牌专业。", "5个", "产业急需、特色鲜明的技工教育品牌专业"),
    ("为职业院校班子配 备1名具有5年以上行业企业工作经历的高 层次技术管理人才。", "1名",
     "具有5年以上行业企业工作经历的高层次技术管理人才"),
    ("完成200万人次左右职业技能培训。", "200万人次左右", "职业技能培训"),
    ("遴选1000个左右职业教育“课堂革命”典型案例", "1000个左右", "职业教育“课堂革命”典型案例"),
    ("推动建设300个左右具有辐射引领作用的高水平专业化产教融合实训基地", "300个左右",
     "具有辐射引领作用的高水平专业化产教融合实训基地"),
    ("建设5个左右国家级、30个左右省级“双师型”教师培养培训基地。", "30个左右", "省级“双师型”教师培养培训基地"),
]


def _object(phrase: str, printed: str) -> str | None:
    found = {t.text: t for t in find_quantities(phrase)}
    assert printed in found, (phrase, list(found))
    return found[printed].object


def test_the_table_is_real_and_covers_the_five_examples():
    assert len(REAL) >= 15
    files = set()
    for phrase, _, _ in REAL:
        found = {name for name, text in EXAMPLE_TEXTS.items() if "".join(phrase.split()) in text}
        assert found, phrase
        files |= found
    assert len(EXAMPLE_TEXTS) == 5 and files == set(EXAMPLE_TEXTS)


@pytest.mark.parametrize("phrase,printed,expected", REAL)
def test_objects_of_real_phrases(phrase, printed, expected):
    assert _object(phrase, printed) == expected


@pytest.mark.parametrize("phrase,printed,expected", [
    ("建设100所示范校、骨干校等，", "100所", "示范校、骨干校"),            # 等 ends a list
    ("培育30个高等职业教育专业群", "30个", "高等职业教育专业群"),          # 高等 is one word
    ("遴选20个实训基地及10个创新团队", "20个", "实训基地"),                 # 及 before another quantity
    ("建设5个省级及以上示范基地", "5个", "省级及以上示范基地"),             # 及以上 is not a join
    ("建成10个实训基地并开展认证", "10个", "实训基地"),                      # 并 before a verb
    ("完成200万人次\t省教育厅", "200万人次", None),                          # a tab ends the column
    ("比例达到90%。", "90%", None),
    ("建设3个" + "特" * (OBJECT_MAX + 5), "3个", None),                       # no boundary within reach
])
def test_object_rules(phrase, printed, expected):
    assert _object(phrase, printed) == expected


def test_read_object_from_a_position():
    text = "建设1000门省级在线开放课程和50个示范性虚拟仿真实训基地"
    assert read_object(text, text.index("门") + 1) == "省级在线开放课程"
    assert read_object(text, len(text)) is None


def test_a_column_end_is_no_blank_inside_a_quantity():
    """In tab-separated rows a task number and the next column are not one quantity (32\t支持, 26\t到 2022 年)."""
    row = "32\t支持进入国家“双高计划”院校\n26\t到 2022 年,全省中等职业学校全部达标\t50%\t省教育厅"
    assert [t.text for t in find_quantities(row)] == ["50%"]
    assert [t.text for t in find_quantities("完成200 万人次 左右培训")] == ["200 万人次 左右"]


# Every qualifier word, read by hand: (phrase, printed quantity, value, qualifier). The lead word is not part
# of the printed phrase (gold convention) but sets the qualifier.
QUALIFIED = [
    ("近100所学校", "100所", 100, "approx"),
    ("约100所学校", "100所", 100, "approx"),
    ("100所左右学校", "100所左右", 100, "approx"),
    ("达到100所以上", "100所以上", 100, "at-least"),
    ("不低于90%", "90%", 90, "at-least"),
    ("不少于30人", "30人", 30, "at-least"),
    ("超过5万人", "5万人", 50_000, "at-least"),
    ("至少3家", "3家", 3, "at-least"),
    ("逾20亿元", "20亿元", 2_000_000_000, "at-least"),   # 亿 scales the value; the unit is 元
    ("高于80%", "80%", 80, "at-least"),
    ("多于6个", "6个", 6, "at-least"),
    ("控制在30%以内", "30%以内", 30, "at-most"),
    ("控制在30%以下", "30%以下", 30, "at-most"),
    ("3年之内", "3年之内", 3, "at-most"),
    ("不超过20%", "20%", 20, "at-most"),
    ("不多于2项", "2项", 2, "at-most"),
    ("不高于5%", "5%", 5, "at-most"),
    ("最多4次", "4次", 4, "at-most"),
    ("低于10%", "10%", 10, "at-most"),
    ("少于8人", "8人", 8, "at-most"),
    ("达到100所", "100所", 100, "exact"),
    ("建设100所", "100所", 100, "exact"),
    ("3—5个基地", "3—5个", 3, "range"),
    ("约3—5个基地", "3—5个", 3, "range"),   # a range stays a range whatever word leads it
]


@pytest.mark.parametrize("phrase,printed,value,qualifier", QUALIFIED)
def test_qualifier_words(phrase, printed, value, qualifier):
    (t,) = find_quantities(phrase)
    assert (t.text, t.value, t.qualifier.value) == (printed, value, qualifier)
    assert phrase[t.span[0]:t.span[1]] == printed


def test_lead_word_is_read_only_right_before_the_number():
    (t,) = find_quantities("近年来建设100所")          # 近年来 is no qualifier of 100所
    assert t.qualifier.value == "exact"
    (t,) = find_quantities("约有100所")               # 约 not directly before the number
    assert t.qualifier.value == "exact"
