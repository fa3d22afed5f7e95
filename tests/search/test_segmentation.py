"""rjieba must cut exactly as jieba does wherever it is used, or index and queries drift."""

import jieba
import pytest
import rjieba

from experiences.core.segmentation import words_cut, words_cut_for_search
from experiences.search.grams import bigrams, grams_for_index
from kb.devtools.management.commands.benchmark_search import VOCABULARY


def test_rjieba_cuts_the_seed_essay_as_jieba_does(seed_text):
    for line in seed_text.splitlines():
        assert words_cut_for_search(line) == list(jieba.cut_for_search(line)), line
        assert words_cut(line) == jieba.lcut(line), line


ODD = [
    "COVID-19疫情防控",
    "3.5亿元",
    "a & b | !c",
    "第①条 全角１２３ カタカナ 한국어\r\n换行\t制表  两个空格",
    "我在乡镇工作了10年,A股和T恤。",
    "  ,。!?  ",
]


@pytest.mark.parametrize("text", [*VOCABULARY, *ODD])
def test_same_words_as_jieba(text):
    assert words_cut_for_search(text) == list(jieba.cut_for_search(text))
    assert words_cut(text) == jieba.lcut(text)


def test_mixed_blocks_stay_with_jieba():
    # rjieba keeps COVID-19 whole; jieba (and so the index) does not.
    assert "COVID-19" in rjieba.cut_for_search("COVID-19疫情")
    assert "COVID-19" not in words_cut_for_search("COVID-19疫情")


def test_bigrams_of_chinese_runs_only():
    assert bigrams("摆正身段子,abc 10年 干群") == ["摆正", "正身", "身段", "段子", "干群"]
    assert bigrams("身段身段") == ["身段", "段身"]


def test_grams_for_index_leave_out_words():
    assert grams_for_index(["摆正身段子"], words=["摆正", "段子"]) == "正身 身段"
