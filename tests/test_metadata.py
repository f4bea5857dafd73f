"""Department inference: an organisation or nothing (issue 10 item 3).

Every example is written here for the layout it stands for (label and value on one line, in ` | `
cells, one cell per line, glued with no separator, a web page's 来源 line, a signature block), never
copied from a document.
"""

import pytest

from jixiao.corpus.metadata import clean_org, infer, infer_department, looks_like_department


@pytest.mark.parametrize("name", [
    "某县交通运输局", "某市疾病预防控制中心", "某区人民法院", "某县人民检察院", "南山镇政府", "某市残疾人联合会", "省残联",
    "县农业农村局", "某县第一中学", "某市图书馆", "某县消防救援大队", "某区红十字会", "某县扶贫办", "中共某县委宣传部办公室",
    "某市档案馆", "某县畜牧兽医站", "某镇人民政府", "某市城市管理和综合执法局", "个旧市财政局", "本溪市教育局",
    "某州市场监督管理局机关", "某县中心幼儿园", "某市律师协会",
])
def test_organisations_are_departments(name):
    assert looks_like_department(name)


@pytest.mark.parametrize("name", [
    "审核意见", "审核意见单位公章", "单位公章", "填报人", "联系人", "个省级中心", "省级中心", "各县区教育局",
    "及所属单位", "项目名称", "主管部门", "某市场监督管理部门", "单位负责人签字", "财务负责人", "市局", "承德市主办",
    "某县", "2100", "某县**局", "本级", "相关局", "某市有关中心", "某县交通运输", "联系电话某县交通局",
])
def test_labels_and_fragments_are_not(name):
    assert not looks_like_department(name)


@pytest.mark.parametrize("text, department", [
    # label and value in ` | ` cells, the first cell after the label empty
    ("项目名称 | 校舍维修 |\n主管部门 | | 实施单位 | 某县第二中学 |\n", "某县第二中学"),
    # one cell per line
    ("项目名称\n\n校舍维修\n\n主管部门\n\n某县教育局\n\n", "某县教育局"),
    # glued: the label's value runs into the next label
    ("项目名称道路养护主管部门某县交通运输局实施单位某县公路养护中心资金总额", "某县交通运输局"),
    # a code before the unit, 机关 and (盖章) around it
    ("填报单位（盖章）：[108]某市水利局\n", "某市水利局"),
    ("单位名称 | 031002-某区卫生健康委员会机关 |", "某区卫生健康委员会机关"),
    # a signature line under 填报单位 is no unit: the next label holds it
    ("填报单位（盖章）：审核意见单位公章\n预算单位 某县林业局\n", "某县林业局"),
    # a header row of labels: the values are on the next line in order
    ("主管部门 实施单位\n某县民政局 某县养老服务中心\n", "某县民政局"),
    ("实施单位 | 主管部门 | 项目负责人\n某县养老服务中心 | 某县民政局 | 王某\n", "某县民政局"),  # cell for cell
    ("项目名称 实施单位 联系电话\n养老服务 某县养老服务中心 12345678\n", "某县养老服务中心"),
])
def test_labelled_department(text, department):
    assert infer_department(text) == department


@pytest.mark.parametrize("text", [
    "填报单位（盖章）：审核意见单位公章\n填报人：王某 联系电话：1234567\n",
    "单位名称 项目名称 预算金额\n",
    "三、产出指标\n建成3个省级中心，培训10期。\n",  # a quantity that ends like a unit
    "主管部门：\n项目负责人（签字）：\n",
    "培训机构 | 某市甲职业培训学校 | 2600 |\n培训机构 | 某市乙职业培训学校 | 2600 |\n",  # listed once each
    "来源：某市财政局 发布时间：2022-01-01\n",  # a finance bureau publishes other units' tables
    "来源：某县人民政府办公室 发布时间：2022-01-01\n",  # so does a government portal
    "中央主管部门 | 某部 |\n",
    "资金来源：某市教育局\n数据来源：某县统计局\n",  # where money or data come from, not who published
])
def test_no_department_rather_than_a_wrong_one(text):
    assert infer_department(text) is None


def test_the_form_label_beats_the_page_source_and_a_higher_level():
    page = "来源:某区市场监管局 发布时间:2022-08-15\n专项名称\n食品监管补助\n中央主管部门\n某总局\n省级主管部门\n某省市场监管局\n"
    assert infer_department(page) == "某区市场监管局"
    assert infer_department("省级主管部门 | 某省市场监管局 |\n") == "某省市场监管局"
    glued = "专项实施期2022年自治区主管部门某区农业农村厅专项资金市县财政部门某区财政局市县主管部门某区农业农村局资金情况"
    assert infer_department(glued) == "某区农业农村局"  # the local level beside the region's
    assert infer_department(page + "主管部门：某区市场监督管理局\n") == "某区市场监督管理局"


def test_the_body_names_the_unit_often_enough():
    body = "某市应急管理局2021年工作。我局将组织演练。某市应急管理局负责培训。\n"
    assert infer_department(body) == "某市应急管理局"
    assert infer(body).department == "某市应急管理局"
    funded = "某县水利局2023年工作。资金由某县财政局下达，某县财政局监督。某县水利局负责实施。\n"
    assert infer_department(funded) == "某县水利局"  # finance is named in every unit's documents
    assert infer_department("某县财政局2023年工作。我局负责预算编制。\n") == "某县财政局"


@pytest.mark.parametrize("raw, clean", [
    ("219-某镇人民政府", "某镇人民政府"),
    ("某县农业农村局资金情况(万元)年度资金总额", "某县农业农村局"),
    ("某县教育局(盖章)", "某县教育局"),
    ("某县教育局 308001", "某县教育局"),
])
def test_clean_org(raw, clean):
    assert clean_org(raw) == clean


# ---------------------------------------------------------------- layout families
# The same header block (label → unit, plus neighbours) rendered the ways real text comes out.

UNITS = ["某县教育局", "中共某县委宣传部", "某市疾病预防控制中心", "某区人民法院", "某县自然资源和规划局",
         "某镇人民政府", "某县国有林场", "某市残疾人联合会", "某县第一中学", "某区融媒体中心"]
LABELS = ["主管部门", "填报单位（盖章）", "单位名称", "预算单位", "部门（单位）名称", "申报单位"]

RENDER = {
    "pipes": lambda lab, u: f"项目名称 | 专项经费 |\n{lab} | {u} | 联系电话 | 12345678 |\n",
    "cell_lines": lambda lab, u: f"项目名称\n\n专项经费\n\n{lab}\n\n{u}\n\n联系电话\n\n12345678\n",
    "spaces": lambda lab, u: f"项目名称 专项经费 {lab} {u} 联系电话 12345678\n",
    "colon": lambda lab, u: f"{lab}：{u}      填报人：王某      联系电话：12345678\n",
    "glued": lambda lab, u: f"项目名称专项经费{lab}{u}项目负责人王某联系电话12345678\n",
    "letter_spaced": lambda lab, u: " ".join(f"项目名称 专项经费 {lab} {u}") + " 联 系 电 话 12345678\n",
    "coded": lambda lab, u: f"{lab} | [301002]{u} |\n",
}


@pytest.mark.parametrize("family", sorted(RENDER))
def test_every_layout_family_finds_the_unit(family):
    misses = [(lab, u, infer_department(RENDER[family](lab, u))) for lab in LABELS for u in UNITS
              if infer_department(RENDER[family](lab, u)) != u]
    assert not misses


def test_traditional_script_reads_as_simplified():
    assert infer_department("主管部門：某縣衛生健康委員會\n") == "某县卫生健康委员会"
    assert infer_department("單位名稱 | 某市圖書館 |\n") == "某市图书馆"


@pytest.mark.parametrize("text", [
    # signature blocks and label rows in every family: never a department
    "填报单位（盖章）： 审核意见： 单位公章\n",
    "填报单位（盖章） | | 单位负责人 | | 填表人 |\n",
    "单位名称\n\n项目名称\n\n预算金额\n",
    "主 管 部 门 审 核 意 见\n",
    "填报单位审核意见单位公章日期\n",
    "各有关单位：请于年底前报送。全部完成。\n",
])
def test_sign_off_blocks_in_every_family_give_no_department(text):
    assert infer_department(text) is None


@pytest.mark.parametrize("raw, clean", [
    ("中共某县委宣传部项目名称专项经费", "中共某县委宣传部"),
    ("某县教育局联系电话12345678", "某县教育局"),
    ("某县人民政府办公室发布时间2022年", "某县人民政府办公室"),  # not cut inside 人民政府|办公室
    ("中共某县委宣传部开展活动", "中共某县委宣传部"),
])
def test_a_glued_value_is_cut_where_the_next_cell_starts(raw, clean):
    assert clean_org(raw) == clean
