"""Essays of the genre as editors really paste them, written for the tests.

Written here with ASCII punctuation (which survives being typed into this
codebase) and turned into full-width by ``full_width``, which spells the
full-width forms as escapes (core/punctuation.py). ``test_pasted_essays`` checks that the result
really holds U+FF0C, so a fixture cannot silently degrade to ASCII.
"""

from experiences.core.punctuation import FULL_WIDTH as PUNCTUATION_FULL_WIDTH

FULL_WIDTH = str.maketrans(PUNCTUATION_FULL_WIDTH)


def full_width(text: str) -> str:
    return text.translate(FULL_WIDTH)


# A 村支书's: ordinals 一、二、三、, 也要/更要/还要, a heading after ！ and one
# ending in ？, a byline, a 延伸阅读 marker with a full-width colon, and a
# closing with no marker word that looks back on the principles.
VILLAGE = full_width(
    """村支书的三点体会
作者:王建国
当了十二年村支书,我常想,村里的事说大不大,说小不小,关键在于怎么干。
一、既要“俯下身子”,也要“挺直腰杆”。
俯下身子,就是要到田间地头去,听群众说真话。挺直腰杆,就是遇到歪风邪气敢于碰硬。
有人劝我少管闲事,我没有听!
二、既要“算好小账”,更要“算好大账”!
小账是一家一户的收入,大账是全村的长远发展。
俗话说:“人心齐,泰山移。”大账算清楚了,群众自然跟着干。
三、既要“守住底线”,还要“敢闯新路”?这是我一直在想的问题。
守住底线是前提。敢闯新路才有出路。
现在村里办起了合作社,年轻人也愿意回来了。
十二年来,俯下身子、算好大账、守住底线,这些都成了我的习惯。
我会继续干下去,和乡亲们一起把日子过得更红火。
延伸阅读:
乡村振兴的几点思考
一篇讲乡村振兴的文章摘要,讲到了产业、人才和文化,值得一读...
"""
)

# A 社区 cadre's: a title with a full-width colon, lines broken mid-word and
# mid-sentence as a phone copy arrives (堆/物, 治/理, 敲/门, 开/门), a lead longer
# than 8 characters, a heading right after ！ in mid-paragraph, a sentence
# about years of work that is not a byline, and a 【延伸阅读】 marker.
COMMUNITY = full_width(
    """社区工作心得:把居民的小事当成大事
到社区工作五年,有些工作要做三年五年才能看出成效。我把这些年的体会写下来,和同事们交流。
做好新时代社区工作既要“腿勤”,又要“心细”。楼道里的杂物堆了很久,居民反映了好几次,我们挨家挨户上门,把堆
物清理干净,还和物业一起定了规矩。小区治
理靠的是一点一滴的积累。
居民的事无小事!既要“听得进意见”,更要“办得成实事”。有一次老人家里停水,我们半夜去敲
门,开
门的是一位独居的老奶奶。从那以后,我们建了独居老人联系表。
回望这几年,腿勤、心细、办得成实事,说起来容易做起来难。
【延伸阅读】
社区治理的新路子
一篇关于社区治理创新的文章摘要,讲到了网格化管理和志愿服务...
"""
)

# A 县直机关 young cadre's: ordinals (一) 1. 第一, a 文/ byline, 还要, a closing
# opened by 总之, and a 〔相关阅读〕 marker. Shipped as GBK bytes and as
# UTF-8 with a BOM and Windows line endings.
COUNTY = full_width(
    """在县直机关工作的一点感悟
文/李明
我从乡镇调到县直机关两年,感觉机关工作和基层工作很不一样。
(一)既要“坐得住”,还要“跑得勤”。
机关工作要坐得住,材料要一个字一个字地抠。但也不能只坐办公室,要多到基层跑一跑。
1.既要“写得好”,更要“干得实”:材料写得再好,不落实也是空的。
第一,既要“学理论”,也要“懂政策”。理论是根,政策是干。
总之,两年来我学到了很多,也发现了自己的不足。
〔相关阅读〕
机关干部的自我修养
一篇关于机关作风建设的文章摘要,值得反复读...
"""
)

ESSAYS = {"village": VILLAGE, "community": COMMUNITY, "county": COUNTY}

PAIRS = {
    "village": [
        ("俯下身子", "也要", "挺直腰杆"),
        ("算好小账", "更要", "算好大账"),
        ("守住底线", "还要", "敢闯新路"),
    ],
    "community": [("腿勤", "又要", "心细"), ("听得进意见", "更要", "办得成实事")],
    "county": [
        ("坐得住", "还要", "跑得勤"),
        ("写得好", "更要", "干得实"),
        ("学理论", "也要", "懂政策"),
    ],
}
