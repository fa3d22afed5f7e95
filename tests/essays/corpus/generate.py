"""Writes the corpus of essays of the genre (tests/essays/corpus/*.txt) and says what each holds.

    python -m tests.essays.corpus.generate      # rewrite the .txt files

Seven essays, each a different shape of the genre: numbered 一、 / （一） / 1. /
第一 / 一是 or not at all; halves quoted with “” or 「」 or not; joined by
更要 / 也要 / 不仅…更要 / 要…不要, or a contrast without a connective (多…少…,
“X”不如“Y”); an editor's note, a note about the author; and one copied from a
公众号 with all its furniture. The essays are written with ASCII , ; : ! ? ( )
and turned full-width by ``full_width`` (its table spells the full-width forms
as escapes), so the files hold real full-width marks however this script is
typed. ``test_corpus.py`` checks the files are what this script writes.
"""

from pathlib import Path

from tests.essays.pasted import full_width

DIRECTORY = Path(__file__).resolve().parent

ESSAYS: dict[str, str] = {}
# name → the principles as (opener, baseline, connective, emphasis), in order.
EXPECTED: dict[str, list[tuple[str, str, str, str]]] = {}
# name → what else each essay holds: its title, author, notes, first opening words.
DETAILS: dict[str, dict[str, object]] = {}

# 一、二、三、 with “” halves and 既要…更要…; an editor's note before the opening
# (编者按 alone on its line) and a note about the author at the end.
ESSAYS["yi-er-san"] = full_width(
    """做一名让群众放心的乡镇干部
编者按
本文作者在乡镇工作十五年,文章是他在全县干部培训班上的发言,略有删节。
我在乡镇工作了十五年,换过三个岗位,下面说说我的三点体会。
一、既要“身入”,更要“心至”
身入,是脚要走到群众家里去。心至,是心要想到群众心里去。
光坐在办公室里听汇报,是看不到真实情况的。
二、既要“敢管”,更要“善管”
敢管是态度,善管是本事。管得住还要管得好。
三、既要“埋头拉车”,更要“抬头看路”
埋头拉车是实干,抬头看路是方向。方向错了,越努力越远。
总之,十五年的经历告诉我,群众的信任是干出来的。
(作者系某县某镇党委副书记)
"""
)
EXPECTED["yi-er-san"] = [
    ("既要", "身入", "更要", "心至"),
    ("既要", "敢管", "更要", "善管"),
    ("既要", "埋头拉车", "更要", "抬头看路"),
]
DETAILS["yi-er-san"] = {
    "title": "做一名让群众放心的乡镇干部",
    "author": "",
    "notes": 2,
    "opening": "我在乡镇工作了十五年",
}

# （一）（二）（三） with 「」 halves and 既要…也要…, ended with a full stop.
ESSAYS["paren-corner"] = full_width(
    """社区网格员的几点心得
作者:赵晓燕
做网格员三年,我管着三百多户人家。有人说网格员就是跑腿的,我不这么看。
(一)既要「跑得勤」,也要「记得清」。
每天入户走访,哪家有老人,哪家有困难,都要记在本子上。
(二)既要「听得进」,也要「说得明」。
居民有意见,先听完再解释。政策要用大白话讲清楚。
(三)既要「管得住」,也要「帮得上」。
管住违章搭建是责任,帮居民解决难处是本分。
以上是我的几点体会,不当之处请大家指正。
"""
)
EXPECTED["paren-corner"] = [
    ("既要", "跑得勤", "也要", "记得清"),
    ("既要", "听得进", "也要", "说得明"),
    ("既要", "管得住", "也要", "帮得上"),
]
DETAILS["paren-corner"] = {
    "title": "社区网格员的几点心得",
    "author": "赵晓燕",
    "notes": 0,
    "opening": "做网格员三年",
}

# 1. 2. 3. with unquoted halves and 不仅要…更要…, headings without a full stop
# followed by a paragraph that does not open with an ordinal.
ESSAYS["arabic-plain"] = full_width(
    """驻村第一书记的工作笔记
去年组织上派我到村里当第一书记,一年下来,有几点体会和大家分享。
1. 不仅要摸清底数,更要找准路子
刚到村里,我用两个月把全村一百八十户走了一遍。底数清了,路子才找得准。
2. 不仅要引进项目,更要留住人才
项目来了没人干也不行。我们办了技能培训班,二十多个年轻人回了村。
3. 不仅要打好基础,更要建好机制
修路建房是基础,村规民约和议事制度是长久之计。
回首这一年,摸底数、留人才、建机制,每一样都离不开乡亲们的支持。
"""
)
EXPECTED["arabic-plain"] = [
    ("不仅要", "摸清底数", "更要", "找准路子"),
    ("不仅要", "引进项目", "更要", "留住人才"),
    ("不仅要", "打好基础", "更要", "建好机制"),
]
DETAILS["arabic-plain"] = {
    "title": "驻村第一书记的工作笔记",
    "author": "",
    "notes": 0,
    "opening": "去年组织上派我到村里当第一书记",
}

# 第一, 第二, with “” halves and 要…不要…; a preface (前言) in one line.
ESSAYS["diyi-yao-buyao"] = full_width(
    """信访工作的三条心得
前言:这是一位信访干部写给新同事的话,经作者同意刊发。
接待群众来访八年,我总结了三条,说给刚来的同事听。
第一,要“讲实话”,不要“打官腔”。
群众来上访,心里本来就有气。一句官话就能把事情搞僵。
第二,要“办实事”,不要“踢皮球”。
能当场解决的当场解决,不能解决的说清楚什么时候给答复。
第三,要“留真情”,不要“走过场”。
回访不是为了填表,是为了看看问题到底解决没有。
总的来说,信访工作没有捷径,只有将心比心。
"""
)
EXPECTED["diyi-yao-buyao"] = [
    ("要", "讲实话", "不要", "打官腔"),
    ("要", "办实事", "不要", "踢皮球"),
    ("要", "留真情", "不要", "走过场"),
]
DETAILS["diyi-yao-buyao"] = {
    "title": "信访工作的三条心得",
    "author": "",
    "notes": 1,
    "opening": "接待群众来访八年",
}

# No numbers, no quotes: 既要…更要… headings alone on their lines, with no full
# stop (one with a comma, one without), each followed by a paragraph that the
# line-break repair must not glue on; a note about the author at the end.
ESSAYS["unnumbered"] = full_width(
    """基层减负的几点思考
这几年基层减负喊了很多,真正减下来的不多。我在县里负责这项工作,有几点想法。
既要减掉形式,更要减出实效
文件会议少了,但留痕台账又多了起来,这样的减负等于没减。
既要为基层松绑更要为干部撑腰
干部敢干事,是因为身后有组织。容错纠错机制要真正落地。
说到底,减负是为了让基层干部把时间用在群众身上。
作者简介:孙立新,某县委办公室干部,长期从事基层治理研究。
"""
)
EXPECTED["unnumbered"] = [
    ("既要", "减掉形式", "更要", "减出实效"),
    ("既要", "为基层松绑", "更要", "为干部撑腰"),
]
DETAILS["unnumbered"] = {
    "title": "基层减负的几点思考",
    "author": "",
    "notes": 1,
    "opening": "这几年基层减负喊了很多",
}

# 一是 / 二是 / ③: a contrast without a connective (多…少…, 重…轻…) and two quoted
# halves weighed against each other (“留痕”不如“留心”).
ESSAYS["contrast"] = full_width(
    """做群众工作的三个对照
在街道办工作六年,我常拿三组词对照自己。
一是多“走心”,少“走秀”
做群众工作最怕做样子。拍照留念不如把事办成。
二是重“实绩”,轻“虚名”
评先评优是组织的事,把工作干好是自己的事。
③ “留痕”不如“留心”
台账做得再漂亮,群众不满意也是白做。
这三组词,我会一直对照下去。
"""
)
EXPECTED["contrast"] = [
    ("多", "走心", "少", "走秀"),
    ("重", "实绩", "轻", "虚名"),
    ("", "留痕", "不如", "留心"),
]
DETAILS["contrast"] = {
    "title": "做群众工作的三个对照",
    "author": "",
    "notes": 0,
    "opening": "在街道办工作六年",
}

# Copied from a 公众号: a byline-and-date line under the title, a follow prompt,
# lone section numbers and ornaments, photo captions, the 阅读/在看/点赞 footer
# and the list of other articles after it (a 推荐阅读 among them).
ESSAYS["wechat"] = full_width(
    """乡镇干部的两点体会
原创 周海涛 基层治理观察 2024-03-05 08:30
点击上方蓝字关注我们
作者:周海涛
在乡镇工作第十个年头,我想把两点体会写下来。
01
一、既要“接地气”,更要“有底气”
接地气就是和群众说得上话。有底气就是政策吃得透,办事有章法。
▲图为作者在村里走访群众
◆◆◆
02
二、既要“守规矩”,也要“有温度”
规矩是底线,温度是态度。两样都不能少。
(图片来源:网络)
摄影:李明
十年来,我越来越觉得,群众工作就是良心活。
编辑:王芳 审核:陈刚
阅读 1.2万
在看 36 点赞 128
往期推荐
村里来了新书记
一篇讲新书记上任的文章摘要,讲他怎么走遍全村...
推荐阅读
基层治理的十个关键词
"""
)
EXPECTED["wechat"] = [
    ("既要", "接地气", "更要", "有底气"),
    ("既要", "守规矩", "也要", "有温度"),
]
DETAILS["wechat"] = {
    "title": "乡镇干部的两点体会",
    "author": "周海涛",
    "notes": 0,
    "opening": "在乡镇工作第十个年头",
}


def path_of(name: str) -> Path:
    return DIRECTORY / f"{name}.txt"


def main() -> None:
    for name, text in ESSAYS.items():
        path_of(name).write_text(text, encoding="utf-8")
        print(path_of(name))


if __name__ == "__main__":
    main()
