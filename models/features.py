"""Features of an indicator row for the classifier: its name, the form of its value, and cue words.

Everything here is deterministic string work (no jieba, no sklearn) so that a saved model sees
exactly the features it was trained on. Word segmentation is added by the classifier.

Feature tokens are short prefixed strings:

- ``c:`` character n-grams of the cleaned name;
- ``s1:``/``s2:``/``s3:``/``p2:`` name suffixes and prefix (率, 人次, 满意度, 提高 …);
- ``cue:<id>`` a cue word of that category appears in the name; ``m:`` other name traits;
- ``v:``/``vs:``/``vb:`` the value's form: comparator, unit class, percent level, date, reference,
  its digit-masked shape (``≥#%``) and character bigrams of a qualitative value.
"""

from __future__ import annotations

import re

# -- text normalization ------------------------------------------------------------------------

_FULLWIDTH = {i: i - 0xFEE0 for i in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20

# Traditional → simplified for the characters that occur in 绩效 tables (some regions and
# indicator libraries publish in traditional script). Pairs "繁简"; identical pairs are skipped.
_T2S_PAIRS = (
    "績绩 數数 質质 時时 標标 產产 個个 當当 獲获 寧宁 確确 認认 驛驿 組组 織织 動动 務务 對对 曉晓 補补 "
    "資资 費费 萬万 間间 項项 準准 達达 際际 現现 實实 據据 設设 備备 護护 維维 運运 營营 業业 農农 醫医 "
    "療疗 衛卫 環环 態态 進进 術术 規规 劃划 訂订 計计 總总 結结 價价 錢钱 億亿 歲岁 區区 縣县 鎮镇 鄉乡 "
    "體体 綜综 應应 災灾 險险 隱隐 檢检 驗验 測测 監监 導导 協协 調调 發发 經经 濟济 會会 滿满 優优 轉转 "
    "換换 預预 執执 員员 參参 與与 學学 習习 訓训 練练 師师 範范 課课 題题 論论 報报 書书 專专 門门 機机 "
    "關关 單单 場场 館馆 廳厅 樓楼 園园 戶户 幫帮 貧贫 難难 殘残 養养 兒儿 婦妇 聯联 勞劳 職职 崗岗 創创 "
    "辦办 廣广 電电 視视 網网 絡络 線线 訊讯 號号 碼码 統统 軟软 採采 購购 買买 賣卖 貨货 車车 輛辆 橋桥 "
    "燈灯 鐵铁 軌轨 邊边 藝艺 歷历 遺遗 傳传 聲声 獎奖 勵励 罰罚 違违 處处 決决 議议 審审 稅税 財财 貸贷 "
    "債债 權权 撥拨 滯滞 積积 極极 蓋盖 齊齐 響响 續续 長长 遠远 責责 義义 級级 類类 條条 舊旧 樣样 庫库 "
    "檔档 圖图 錄录 溝沟 澇涝 汙污 廠厂 氣气 熱热 廢废 綠绿 煙烟 塵尘 紀纪 寫写 讀读 戲戏 劇剧 節节 慶庆 "
    "遊游 覽览 週周 為为 於于 從从 這这 裡里 麼么 後后 們们 來来 將将 還还 過过 說说 問问 點点 隊队 陽阳 "
    "陰阴 裝装 開开 閉闭 啟启 階阶 層层 礎础 齡龄 適适 無无 礙碍 負负 擔担 稱称 頭头 隻只 雞鸡 鴨鸭 魚鱼 "
    "豬猪 麥麦 穀谷 糧粮 種种 蟲虫 藥药 飼饲 獸兽 樹树 濕湿 礦矿 屬属 歸归 擴扩 減减 輕轻 虧亏 穩稳 壓压 "
    "強强 彈弹 緊紧 鬆松 傷伤 圍围 內内 貼贴 劑剂 診诊 斷断 疫疫 鏈链 飲饮 飯饭 舉举 證证 許许 記记 給给 "
    "賴赖 額额 儲储 貯贮 輸输 鐘钟 錶表 幣币 銀银 帳账 賬账 雜杂 誌志 誤误 錯错 聞闻 纜缆 鍵键 盤盘 顯显 "
    "腦脑 儀仪 傢家 倉仓 帶带 貢贡 獻献 讓让 邏逻 輯辑 語语 詞词 彙汇 匯汇 編编 鑑鉴 鑒鉴 線线 壞坏 況况 "
    "狀状 戰战 鬥斗 爭争 勢势 張张 縮缩 約约 儉俭 潔洁 訴诉 訟讼 糾纠 紛纷 衝冲 僱雇 傭佣 聘聘 請请 諮咨 "
    "詢询 評评 視视 製制 幹干 臺台 颱台 雲云 夠够 眾众 衆众 麵面 髮发 聽听 觀观 買买 親亲 愛爱 邊边 門门 "
    "問问 閱阅 隨随 險险 陸陆 隨随 雙双 難难 須须 頁页 頻频 類类 顧顾 風风 飛飞 驅驱 齒齿 龍龙 龜龟 "
    "東东 絲丝 專专 兩两 嚴严 喪丧 亂乱 於于 亞亚 產产 倫伦 偉伟 側侧 偵侦 備备 傑杰 價价 優优 儲储 "
    "剛刚 創创 劉刘 勁劲 勝胜 勢势 區区 協协 廠厂 廳厅 縣县 參参 雙双 發发 變变 嘆叹 團团 園园 圓圆 "
    "場场 壇坛 壯壮 聲声 處处 備备 復复 夢梦 夥伙 奪夺 奮奋 孫孙 寶宝 將将 專专 導导 屆届 屬属 嶺岭 "
    "幣币 師师 帳账 帶带 幫帮 廟庙 廠厂 廢废 彈弹 徑径 從从 徵征 悅悦 態态 憲宪 戲戏 擁拥 擇择 擊击 "
    "據据 攝摄 敵敌 斂敛 斷断 暢畅 曆历 曉晓 會会 朧胧 條条 來来 楊杨 極极 標标 樂乐 樞枢 橫横 檢检 "
    "權权 歡欢 歲岁 毀毁 氣气 漢汉 潤润 災灾 無无 煉炼 爐炉 爭争 牆墙 獨独 獲获 獵猎 現现 瑪玛 畫画 "
    "異异 療疗 盡尽 監监 盜盗 碼码 礎础 禮礼 禦御 禪禅 稅税 穩稳 窮穷 竊窃 競竞 筆笔 築筑 簡简 簽签 "
    "糧粮 紅红 紀纪 約约 級级 紡纺 線线 細细 終终 組组 結结 絕绝 給给 統统 絲丝 經经 綠绿 維维 網网 "
    "緒绪 練练 縱纵 總总 績绩 繁繁 織织 繩绳 繼继 續续 罷罢 羅罗 聯联 聖圣 聰聪 職职 膚肤 臨临 舉举 "
    "艱艰 莊庄 華华 萬万 葉叶 蓋盖 蘇苏 蘭兰 處处 號号 蟲虫 補补 裝装 製制 複复 見见 規规 視视 "
    "覺觉 覽览 觀观 觸触 計计 訂订 認认 討讨 訓训 記记 設设 許许 診诊 評评 試试 詳详 誠诚 誤误 說说 "
    "課课 調调 談谈 請请 論论 諸诸 謀谋 講讲 謝谢 證证 識识 護护 讀读 變变 讓让 豐丰 貓猫 貝贝 負负 "
    "財财 責责 貧贫 貨货 販贩 貫贯 貴贵 貸贷 費费 貿贸 資资 賓宾 質质 購购 賽赛 趕赶 趨趋 跡迹 踐践 "
    "蹤踪 軍军 軟软 較较 載载 輔辅 輛辆 輪轮 轄辖 辦办 農农 迴回 適适 遲迟 遷迁 選选 遺遗 邊边 鄰邻 "
    "釋释 針针 鈔钞 鋼钢 錄录 錢钱 錦锦 鍛锻 鎖锁 鎮镇 鏡镜 長长 門门 開开 閒闲 間间 閘闸 闊阔 關关 "
    "陳陈 陣阵 陽阳 隊队 階阶 際际 隨随 險险 隱隐 雖虽 雜杂 雞鸡 離离 電电 韓韩 頂顶 項项 順顺 須须 "
    "預预 領领 頻频 題题 額额 顏颜 願愿 類类 顯显 飛飞 飯饭 飲饮 養养 餘余 館馆 驗验 騰腾 驗验 體体 "
    "髮发 鬧闹 魯鲁 鳥鸟 鳴鸣 麗丽 黃黄 點点 黨党 齊齐"
)
_T2S = {ord(p[0]): p[1] for p in _T2S_PAIRS.split() if len(p) == 2 and p[0] != p[1]}
_T2S.update(_FULLWIDTH)

_PLACEHOLDER = re.compile(r"[（(]?\s*[≥≤><=]*\s*\*{2,}\s*([^\s()（）*]{0,4})\s*[)）]?")
_SCORE = re.compile(r"[（(]\s*\d+(?:\.\d+)?\s*分\s*[）)]")
_PAREN_UNIT = re.compile(r"[（(]\s*([^\s()（）]{1,4})\s*[)）]?\s*$")
_SPACE = re.compile(r"\s+")
_LEADING_ENUM = re.compile(r"^\s*(?:[（(]?[一二三四五六七八九十\d]{1,2}[）)、.．]|[①-⑳]|[*★☆·•])\s*")


def fold(text: str | None) -> str:
    """Width-fold, traditional → simplified, collapse spaces, lower-case."""
    if not text:
        return ""
    return _SPACE.sub(" ", str(text).translate(_T2S)).strip().lower()


def clean_name(name: str | None) -> tuple[str, list[str]]:
    """The indicator name without template debris, and units the debris named.

    ``贫困地区旅游景点开发数量( ≥**个 )`` → (``贫困地区旅游景点开发数量``, [``个``]);
    ``组织培训、会议次数（次）`` → (``组织培训、会议次数``, [``次``]).
    """
    s = fold(name)
    s = _SCORE.sub("", s)
    s = _LEADING_ENUM.sub("", s)
    units: list[str] = []
    for m in _PLACEHOLDER.finditer(s):
        if m.group(1):
            units.append(m.group(1))
    s = _PLACEHOLDER.sub("", s)
    m = _PAREN_UNIT.search(s)
    if m and _unit_class(m.group(1)):
        units.append(m.group(1))
        s = s[: m.start()]
    s = s.replace(" ", "").strip("，,。.;；:：、")
    return s, units


# -- value form --------------------------------------------------------------------------------

_NA = re.compile(r"^(?:无|未涉及|不涉及|不适用|本项目不适用.*|/|／|—+|-+|--|\\|暂无|空|n/?a|无此项|未设置)$")
_NUM = re.compile(r"\d+(?:\.\d+)?")
_UNIT_AFTER = re.compile(r"(\d+(?:\.\d+)?)\s*(万|亿|千|百)?\s*([^\d\s.,，;；、()（）≥≤<>=~\-—至到]{1,4})")
_DATE = re.compile(r"(?:(?:19|20)\d\d\s*[年.\-/]\s*\d{1,2})|(?:\d{1,2}\s*月\s*(?:底|末|前|份|中旬|上旬|下旬|\d))"
                   r"|年底|年末|年初|月底|月末|季度末|季末|上半年|下半年|前完成|之前|以前")

_COUNT_UNITS = set("个次件套台辆份册场期项户家所处座条种只头名批篇部本张班门株棵粒盏眼块处间幅集档床辆类") | {
    "人次", "户次", "家次", "场次", "批次", "车次", "架次", "课时", "学时", "万份", "万册", "万人次", "万条", "万粒",
    "标箱", "个百分点"}
_PERSON_UNITS = {"人", "名", "万人", "人/年", "人次/年"}
_MONEY_UNITS = {"元", "万元", "亿元", "千元", "万", "亿"}
_AREA_UNITS = {"平方米", "平米", "㎡", "m2", "m²", "亩", "公顷", "平方公里", "万亩", "万平方米", "km2"}
_LENGTH_UNITS = {"公里", "千米", "米", "km", "m", "延米"}
_MASS_UNITS = {"吨", "公斤", "千克", "斤", "kg", "t", "立方米", "方", "万吨", "升", "千瓦时", "度", "万千瓦时"}
_DURATION_UNITS = {"小时", "h", "天", "日", "工作日", "个工作日", "分钟", "min", "周", "个月", "月", "年", "秒"}


def _unit_class(u: str) -> str | None:
    u = u.strip().lower()
    if not u:
        return None
    if u in ("%", "‰", "百分比", "百分点"):
        return "pct"
    if "/" in u and any(u.startswith(m) for m in ("元", "万元")):
        return "money_per"
    if u in _MONEY_UNITS or u.endswith("元"):
        return "money"
    if u in _AREA_UNITS:
        return "area"
    if u in _DURATION_UNITS:
        return "duration"
    if u in _PERSON_UNITS:
        return "person"
    if u in _LENGTH_UNITS:
        return "length"
    if u in _MASS_UNITS:
        return "mass"
    if u in _COUNT_UNITS or u[:1] in _COUNT_UNITS:
        return "count"
    return None


_GE = ("≥", ">=", "不低于", "不少于", "达到", "以上", "大于等于", "至少", "超过", ">")
_LE = ("≤", "<=", "不高于", "不超过", "以内", "以下", "小于等于", "控制在", "不大于", "低于", "少于", "内", "<", "不超")
_REFS = ("核定", "预算", "前三年", "上年", "市场价", "标准", "规定", "计划", "批复", "同期", "要求")
_CHANGE_DOWN = ("下降", "减少", "降低", "减")
_CHANGE_UP = ("增长", "增加", "提高", "提升", "增")


def value_features(value: str | None) -> list[str]:
    """Tokens describing the form of a 指标值 (not its topic)."""
    v = fold(value).replace(" ", "")
    if not v or v in ("none", "null", "nan"):
        return ["v:empty"]
    if _NA.match(v):
        return ["v:na"]
    v = v.replace("百分比", "%").replace("％", "%")
    toks: list[str] = []
    if v.startswith((">=", "≥", "＞", ">")) or any(w in v for w in _GE[2:8]):
        toks.append("v:op_ge")
    elif v.startswith(("<=", "≤", "<")) or any(w in v for w in _LE[2:]):
        toks.append("v:op_le")
    elif v.startswith("="):
        toks.append("v:op_eq")
    nums = _NUM.findall(v)
    if "%" in v or "‰" in v:
        toks.append("v:pct")
        if nums:
            x = float(nums[0])
            toks.append("v:pct100" if x == 100 else "v:pct90" if x >= 90 else "v:pct50" if x >= 50
                        else "v:pct0" if x == 0 else "v:pctlo")
    classes = set()
    for m in _UNIT_AFTER.finditer(v):
        mult, unit = m.group(2) or "", m.group(3)
        for cand in (mult + unit, unit, unit[:3], unit[:2], unit[:1]):
            c = _unit_class(cand)
            if c:
                classes.add(c)
                break
    if _DATE.search(v) or re.search(r"(?:19|20)\d\d\.\d{1,2}", v):
        classes.discard("duration")
        classes.discard("count")
        toks.append("v:date")
    toks += [f"v:u_{c}" for c in sorted(classes)]
    if "/" in v and classes & {"money", "money_per"}:
        toks.append("v:per")
    if any(r in v for r in _REFS):
        toks.append("v:ref")
    if nums and all(float(n) == 0 for n in nums):
        toks.append("v:zero")
    if nums and any(w in v for w in _CHANGE_DOWN):
        toks.append("v:down")
    elif nums and any(w in v for w in _CHANGE_UP):
        toks.append("v:up")
    for cid, words in VALUE_CUES.items():
        if any(w in v for w in words):
            toks.append(f"v:cue_{cid}")
    if not nums:
        toks.append("v:qual")
        core = re.sub(r"[^\u4e00-\u9fff]", "", v)[:14]
        toks += [f"vb:{core[i:i + 2]}" for i in range(len(core) - 1)]
        if len(core) == 1:
            toks.append(f"vb:{core}")
    elif not classes and "%" not in v and "v:date" not in toks:
        toks.append("v:bare")
    shape = _NUM.sub("#", v)
    shape = re.sub(r"[\u4e00-\u9fff]{5,}", "…", shape)[:12]
    toks.append(f"vs:{shape}")
    return toks


# -- name traits and cue words -----------------------------------------------------------------

# Cue words written for this classifier (the taxonomy's cue lists are added at fit time).
CUES: dict[str, tuple[str, ...]] = {
    "output.quantity": ("数量", "次数", "人次", "人数", "个数", "户数", "家数", "场次", "期数", "面积", "里程", "长度",
                        "规模", "总量", "完成量", "册数", "件数", "台数", "批次", "覆盖县", "户", "班次", "天数"),
    "output.quality": ("合格率", "达标率", "完好率", "准确率", "正确率", "运行率", "整改率", "合规", "规范", "验收",
                       "质量", "通过率", "成活率", "优良率", "故障率", "差错率", "办结率", "符合率", "完整率",
                       "覆盖率", "到位率", "执行率", "标准化", "可用率", "知晓"),
    "output.timeliness": ("及时", "按时", "按期", "时限", "时间", "进度", "周期", "期限", "时效", "响应", "前完成",
                          "月底", "年底", "工作日", "小时", "完工", "开工", "结题"),
    "output.cost": ("成本", "经费", "费用", "资金", "预算", "单价", "造价", "标准", "补助", "补贴", "费", "投入",
                    "控制率", "节约率", "价格", "金额"),
    "benefit.economic": ("收入", "增收", "产值", "税收", "经济", "损失", "节约", "节支", "带动", "利润", "增产",
                         "效益", "消费", "投资", "收益", "负担", "降低成本"),
    "benefit.social": ("保障", "维护", "稳定", "安全", "提升", "提高", "改善", "促进", "推动", "民生", "正常运转",
                       "受益", "就业", "意识", "能力", "水平", "事故", "知晓率", "发生", "惠及", "便利"),
    "benefit.ecological": ("生态", "环境", "环保", "节能", "减排", "绿色", "绿化", "空气", "水质", "森林", "植被",
                           "污染", "排放", "碳", "节水", "垃圾", "污水", "无害化", "秸秆", "化肥", "农药", "扬尘",
                           "湿地", "水土"),
    "benefit.sustainable": ("持续", "长期", "长效", "可持续", "使用年限", "后续", "机制", "常态化", "延续", "持久",
                            "年限", "管护", "长远"),
    "satisfaction.service_object": ("满意", "认可度", "好评", "评价"),
}

# Words in a qualitative value that name what the row is about (经济效益良好, 影响可持续, 及时支付).
VALUE_CUES: dict[str, tuple[str, ...]] = {
    "output.quality": ("合格", "达标", "规范", "合规", "优良", "准确", "符合", "完好", "正常运行", "正常使用"),
    "output.timeliness": ("及时", "按时", "按期", "如期", "前完成", "底前", "底完成", "进度"),
    "output.cost": ("预算", "核定", "成本", "不超", "市场价"),
    "benefit.economic": ("经济", "收入", "增收", "节约", "损失"),
    "benefit.social": ("社会", "提高", "提升", "改善", "促进", "保障", "稳定", "增强"),
    "benefit.ecological": ("生态", "环境", "环保", "节能", "减排", "绿色"),
    "benefit.sustainable": ("持续", "长期", "长效", "年限", "永久"),
    "satisfaction.service_object": ("满意",),
}

_ACTS = ("开展", "组织", "召开", "举办", "完成", "实施", "新建", "建设", "购置", "采购", "发放", "培训", "配备",
         "印制", "制作", "编制", "维修", "改造", "安装", "种植", "补助", "资助", "慰问", "接待", "检查", "巡查")

_VERBS = ("提高", "提升", "促进", "推动", "保障", "维护", "确保", "改善", "巩固", "增强", "完善", "加强", "推进",
          "减少", "降低", "带动", "丰富", "扩大", "方便", "助力", "打造", "营造", "满足")


def name_features(name: str, cues: dict[str, tuple[str, ...]]) -> list[str]:
    """Suffix/prefix, cue-word hits and shape of a cleaned name."""
    toks: list[str] = []
    core = re.sub(r"[\s\d.%≥≤<>=]+$", "", name) or name
    if core:
        toks += [f"s1:{core[-1:]}", f"s2:{core[-2:]}", f"s3:{core[-3:]}", f"p2:{core[:2]}"]
    for cid, words in cues.items():
        if any(w in name for w in words):
            toks.append(f"cue:{cid}")
    n = len(name)
    toks.append("m:len" + ("0" if n == 0 else "1" if n <= 4 else "2" if n <= 8 else "3" if n <= 14 else "4"))
    if name.startswith(_VERBS) or name.startswith("对"):
        toks.append("m:verb")
    elif any(v in name for v in _VERBS[:9]):
        toks.append("m:verb_in")
    if name.startswith(_ACTS):
        toks.append("m:act")
    if re.search(r"\d", name):
        toks.append("m:digit")
    if "%" in name:
        toks.append("m:pct")
    return toks


def char_ngrams(text: str, lo: int = 1, hi: int = 3) -> list[str]:
    """Character n-grams of ``text`` (digits collapsed to #, punctuation dropped)."""
    t = re.sub(r"\d+(?:\.\d+)?", "#", text)
    t = re.sub(r"[\s,，、;；:：。.()（）“”\"'《》<>\[\]【】]+", "|", t)
    out: list[str] = []
    for part in t.split("|"):
        L = len(part)
        for n in range(lo, hi + 1):
            for i in range(L - n + 1):
                out.append("c:" + part[i:i + n])
    return out
