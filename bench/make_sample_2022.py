"""Derive the synthetic second-year sample (2022) from the real 2021 sample, so that `compare` has two years.

The output is NOT a real document: it is the 2021 sample with hand-chosen, labelled edits (a project
removed, one added, one renamed, budgets and values changed, new project codes). Run from the
repository root:  python bench/make_sample_2022.py
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "corpus" / "samples" / "chengde_2021_yingji.txt"
OUT = ROOT / "corpus" / "samples" / "synthetic_chengde_2022_yingji.txt"

HEADER = (
    "# 示例数据 synthetic sample — 非真实文件 not a real document\n"
    "# source: derived by bench/make_sample_2022.py from chengde_2021_yingji.txt (the real 2021 sample)\n"
    "# purpose: a second year for `jixiao compare --from 2021 --to 2022`\n"
)


def block(text: str, title: str) -> tuple[int, int]:
    """Start and end offsets of the project table whose title line is ``title``."""
    start = text.index(f"\t{title}\n")
    nxt = text.find("绩效信息表\n", start + len(title) + 2)
    end = text.rfind("\n\n", start, nxt) + 2 if nxt != -1 else len(text)
    return start, end


def main() -> None:
    text = SRC.read_text(encoding="utf-8")
    # 1. the office-furniture purchase is not repeated in 2022
    a, b = block(text, "购置办公家具绩效信息表")
    text = text[:a] + text[b:]
    # 2. a new project: the emergency command platform's upkeep (built from the property-fee table)
    a, b = block(text, "物业管理费绩效信息表")
    new = text[a:b]
    for old, rep in (("物业管理费", "应急指挥平台运维费"), ("物业管理服务、水电费等支出", "应急指挥平台软硬件运行维护"),
                     ("57.3", "35"), ("物业服务面积", "平台运维设备数量"), ("办公面积", "48台"),
                     ("经费支出准确率", "平台正常运行率"), ("机关工作人员满意率", "值班人员满意率")):
        new = new.replace(old, rep)
    text = text[:b] + new + text[b:]
    # 3. a renamed project with a larger budget
    text = text.replace("安全生产专家劳务费", "安全生产专家咨询劳务费")
    text = text.replace("\t50\n\t其中：财政资金\n\t50\n", "\t60\n\t其中：财政资金\n\t60\n")
    # 4. raised targets in the drill project
    a, b = block(text, "安全生产应急专项经费及自然灾害预案演练经费绩效信息表")
    part = text[a:b].replace("\t3次\n", "\t4次\n").replace("完成演练3次", "完成演练4次").replace("\t90%\n", "\t95%\n", 1)
    text = text[:a] + part + text[b:]
    # 5. the budget year, and new project codes (codes change every year)
    text = text.replace("2021年", "2022年")
    text = re.sub(r"13080021(\w{13})", lambda m: "13080022" + m.group(1)[::-1], text)
    OUT.write_text(HEADER + text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
