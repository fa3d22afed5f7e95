"""Chinese search: recall table, ranking, highlighting, bad queries, index consistency."""

import pytest
from django.db import connection
from django.urls import reverse

from experiences.reflections.models import Reflection
from experiences.reflections.moderation import reflection_publish, reflection_reject
from experiences.reflections.services import reflection_create, reflection_update
from experiences.search.expansion import synonym_table
from experiences.search.fallback import query_fallback, search_resolve
from experiences.search.indexing import search_index_principle
from experiences.search.models import SearchDocument
from experiences.search.query import query_parse, search_run
from experiences.search.rebuild import search_index_rebuild
from experiences.search.snippets import snippet_highlight
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

P1, P2, P3, P4 = "principle:1", "principle:2", "principle:3", "principle:4"


@pytest.fixture
def corpus(seed_essay):
    """The seed essay, tags on its principles, and colleagues' reflections."""
    principles = {p.position: p for p in seed_essay.principles.all()}
    principles[1].tags.add("群众工作", "党性原则")
    principles[2].tags.add("沟通", "心态")
    principles[3].tags.add("抓落实")
    principles[4].tags.add("为人民服务")
    for principle in principles.values():
        search_index_principle(principle=principle)
    trusted = UserFactory(username="laoli", is_staff=True)
    newcomer = UserFactory(username="xiaowang")
    reflections = {
        "接访": reflection_create(
            author=trusted,
            principle=principles[1],
            title="接访中的人情与原则",
            body="在信访接待中,我在乡镇工作了10年,先听群众把话说完,再讲政策。",
            tags=["信访"],
        )[0],
        "标题": reflection_create(
            author=trusted,
            principle=principles[3],
            title="落实要靠钉钉子",
            body="每一件事都要有人盯。",
            tags=[],
        )[0],
        "正文": reflection_create(
            author=trusted,
            principle=principles[3],
            title="基层的一天",
            body="早上开会,下午下村,晚上把当天的事情落实到人。",
            tags=[],
        )[0],
        "待审": reflection_create(
            author=newcomer,
            principle=principles[2],
            title="新人的体会",
            body="刚到乡镇,学会了耐心倾听群众的诉求,也学会了拒绝。",
            tags=["拒绝诱惑"],
        )[0],
    }
    assert reflections["待审"].status == Reflection.Status.PENDING
    return {"principles": principles, "reflections": reflections, "newcomer": newcomer}


def keys_of(documents):
    keys = []
    for document in documents:
        if document.kind == "principle":
            keys.append(f"principle:{document.principle.position}")
        elif document.kind == "reflection":
            keys.append(f"reflection:{document.reflection.title}")
        elif document.kind == "tag":
            keys.append(f"tag:{document.title}")
        else:
            keys.append(f"reading:{document.title}")
    return keys


def search(text, user=None, **filters):
    """As the page searches: the query, or its parts when it finds nothing."""
    shown = search_resolve(query=query_parse(text), user=user, **filters).shown
    documents = search_run(query=shown, user=user, **filters)
    return keys_of(documents.select_related("principle", "reflection"))


RECALL = [
    # query, must include, must not include
    ("原则", [P1, "tag:党性原则", "reflection:接访中的人情与原则"], [P3]),
    ("坚定原则", [P1], [P2, P3, P4]),
    ("党性原则", [P1, "tag:党性原则"], [P2]),
    ("公心", [P2], [P1, P3, P4]),
    ("甜嘴", [P2], [P1]),
    ("落实", [P3, P1, "reflection:落实要靠钉钉子", "reflection:基层的一天"], [P2]),
    ("抓落实", [P3, "tag:抓落实"], [P2]),
    ("狄更斯", [P2], [P1, P3, P4]),
    ("恩格斯", [P4], [P1, P2, P3]),
    ("右玉", [P4], [P1, P2, P3]),
    ("三严三实", [P3, "reading:基层干部落实“三严三实”"], [P1, P2, P4]),
    ("全科干部", [P3], [P1, P2, P4]),
    ("10年", ["reflection:接访中的人情与原则"], [P1]),
    ("良言一句", [P2], [P1, P3]),
    ("人情世故", [P1], [P2, P3, P4]),
    ("多面手", [P3], [P1, P2, P4]),
    ("过程哲学", [P4], [P1, P2, P3]),
    ("留守儿童", [P4], [P1, P2, P3]),
    ("计划生育", [P3], [P1, P2, P4]),
    ("口蜜腹剑", [P2], [P1, P3, P4]),
    ("群众 路线", [P1], [P3, P4]),
    ("坚定 原则", [P1], [P2, P3, P4]),
    ("培训", ["reading:基层干部培训心得体会"], [P1]),
    ("信访", ["reflection:接访中的人情与原则", "tag:信访"], [P2]),
    ("沟通", [P2, "tag:沟通"], [P1]),
    ("区块链", [], [P1, P2, P3, P4]),
    ("倾听", [], ["reflection:新人的体会"]),  # pending: not for the public
    # Verbatim text jieba cuts differently (摆正 / 身 / 段子): found through bigrams.
    ("身段", [P1], [P2, P3, P4]),
    ("正身", [P1], [P2, P3, P4]),
    ("身段子", [P1], [P2, P3, P4]),
    ("官架", [P1], [P2, P3, P4]),
    ("众工", ["tag:群众工作", P1], [P2, P3, P4]),  # inside a tag name
    ("接访中的人", ["reflection:接访中的人情与原则"], [P1]),  # inside a title
    ("官架 身段", [P1], [P2, P3, P4]),  # every word must occur
    ("官架 狄更斯", [P1, P2], [P3, P4]),  # never together: falls back to either
    ("身段子们", [], [P1]),  # not verbatim: no match
    # A compound that finds nothing falls back to its parts (any of them).
    ("干群关系", [P1], [P2, P3, P4]),
    # Pending reflections and their tags stay hidden, whole words or substrings.
    ("拒绝诱惑", [], ["tag:拒绝诱惑", "reflection:新人的体会"]),
    ("绝诱", [], ["tag:拒绝诱惑", "reflection:新人的体会"]),
    ("心倾", [], ["reflection:新人的体会"]),
]


@pytest.mark.parametrize(("query", "included", "excluded"), RECALL, ids=[r[0] for r in RECALL])
def test_recall(corpus, query, included, excluded):
    found = search(query)
    for key in included:
        assert key in found, f"{query!r} should find {key}: {found}"
    for key in excluded:
        assert key not in found, f"{query!r} should not find {key}: {found}"


def test_every_two_characters_of_published_text_are_found(corpus):
    """Recall at its limit: each bigram of a principle's Chinese text finds it."""
    from experiences.search.grams import bigrams

    principle = corpus["principles"][1]
    for gram in bigrams(principle.body[:300]):
        assert P1 in search(gram), gram


def test_author_finds_own_pending_tag_and_substring(corpus):
    newcomer = corpus["newcomer"]
    assert "tag:拒绝诱惑" not in search("绝诱", user=newcomer)  # tag documents: public only
    assert "reflection:新人的体会" in search("心倾", user=newcomer)


def test_rejected_reflections_tags_are_never_found(corpus):
    pending = corpus["reflections"]["待审"]
    reflection_reject(reflection=pending, reason="重复")
    for query in ("拒绝诱惑", "绝诱", "心倾"):
        assert not {"tag:拒绝诱惑", "reflection:新人的体会"} & set(search(query)), query


class TestRanking:
    def test_whole_word_ranks_above_substring(self, corpus):
        author = UserFactory(is_staff=True)
        reflection_create(
            author=author, principle=None, title="放下身段", body="身段要放低。", tags=[]
        )
        found = search("身段")
        assert found[:2] == ["reflection:放下身段", P1]

    def test_principles_outrank_related_reading_for_ganbu(self, corpus):
        found = search("干部")
        readings = [i for i, key in enumerate(found) if key.startswith("reading:")]
        principles = [i for i, key in enumerate(found) if key.startswith("principle:")]
        assert readings and principles
        assert max(principles) < min(readings), found

    def test_principle_that_keeps_mentioning_qunzhong_is_near_the_top(self, corpus):
        principles = corpus["principles"].values()
        most = max(principles, key=lambda p: p.body.count("群众"))
        assert most.body.count("群众") >= 9
        assert f"principle:{most.position}" in search("群众")[:2]

    def test_equal_matches_principles_and_reflections_above_related_reading(self, corpus):
        author = UserFactory(is_staff=True)
        # Same title as a related-reading entry, written later (recency would not help it).
        reflection_create(
            author=author, principle=None, title="基层干部培训心得体会", body="培训。", tags=[]
        )
        found = search("培训")
        assert found.index("reflection:基层干部培训心得体会") < found.index(
            "reading:基层干部培训心得体会"
        )

    def test_heading_weighs_more_than_a_body_mention(self, corpus):
        author = UserFactory(is_staff=True)
        reflection_create(
            author=author, principle=None, title="甲", body="## 调研方法\n\n先走访。", tags=[]
        )
        reflection_create(author=author, principle=None, title="乙", body="这次调研很忙。", tags=[])
        found = [key for key in search("调研") if key.startswith("reflection:")]
        assert found == ["reflection:甲", "reflection:乙"]

    def test_more_mentions_rank_higher(self, corpus):
        author = UserFactory(is_staff=True)
        reflection_create(
            author=author, principle=None, title="甲", body="调研,再调研,还要调研。", tags=[]
        )
        reflection_create(author=author, principle=None, title="乙", body="调研。", tags=[])
        found = [key for key in search("调研") if key.startswith("reflection:")]
        assert found == ["reflection:甲", "reflection:乙"]


class TestFallback:
    def test_parts_of_a_compound(self):
        assert query_fallback(query_parse("干群关系")).words == ["干群", "关系"]
        assert query_fallback(query_parse("群众 区块链")).words[:1] == ["群众"]
        assert query_fallback(query_parse("身段")) is None

    def test_a_query_with_hits_does_not_fall_back(self, corpus):
        resolved = search_resolve(query=query_parse("关系"))
        assert resolved.fallback is None and resolved.total >= 1


def test_author_finds_own_pending_reflection(corpus):
    assert "reflection:新人的体会" in search("倾听", user=corpus["newcomer"])
    assert "reflection:新人的体会" not in search("倾听", user=UserFactory())


def test_title_match_ranks_above_body_match(corpus):
    found = [key for key in search("落实") if key.startswith("reflection:")]
    assert found.index("reflection:落实要靠钉钉子") < found.index("reflection:基层的一天")


def test_principle_halves_rank_above_body_mentions(corpus):
    found = search("原则")
    assert found.index(P1) < found.index("reflection:接访中的人情与原则")
    found = search("公心")
    assert found[0] == P2


def test_more_matching_words_rank_higher(corpus):
    found = search("群众 原则")
    assert found[0] == P1


def test_filters(corpus):
    principle = corpus["principles"][3]
    assert set(search("落实", kind="reflection")) == {
        "reflection:落实要靠钉钉子",
        "reflection:基层的一天",
    }
    assert set(search("落实", principle_id=principle.pk)) >= {P3, "reflection:落实要靠钉钉子"}
    assert P1 not in search("原则", tag="抓落实")
    assert search("原则", tag="党性原则")[:1] == [P1]


class TestIndexConsistency:
    def test_publish_reject_edit_delete(self, corpus):
        pending = corpus["reflections"]["待审"]
        assert "reflection:新人的体会" not in search("倾听")
        reflection_publish(reflection=pending)
        assert "reflection:新人的体会" in search("倾听")
        reflection_reject(reflection=pending, reason="重复")
        assert "reflection:新人的体会" not in search("倾听")
        reflection_update(
            reflection=pending, principle=None, title="新人的体会", body="学会了坚持。", tags=[]
        )
        assert "reflection:新人的体会" not in search("倾听")
        assert "reflection:新人的体会" in search("坚持", user=corpus["newcomer"])
        pending.delete()
        assert not SearchDocument.objects.filter(title="新人的体会").exists()

    def test_substrings_follow_an_edit(self, corpus):
        reflection = corpus["reflections"]["正文"]
        assert "reflection:基层的一天" in search("午下")  # 下午下村: across words
        reflection_update(
            reflection=reflection, principle=None, title="基层的一天", body="整天开会。", tags=[]
        )
        assert "reflection:基层的一天" not in search("午下")
        assert "reflection:基层的一天" in search("天开")

    def test_unpublished_essay_leaves_the_results(self, corpus, admin_client, seed_essay):
        admin_client.post(
            reverse("admin:experiences_essay_changelist"),
            {"action": "unpublish", "_selected_action": [seed_essay.pk]},
        )
        assert P4 not in search("右玉")

    def test_rebuild_gives_the_same_answers(self, corpus):
        before = {query: sorted(search(query)) for query, *_ in RECALL}
        count = search_index_rebuild()
        assert count == SearchDocument.objects.count() > 10
        after = {query: sorted(search(query)) for query, *_ in RECALL}
        assert after == before


class TestPage:
    def test_results_page_with_highlight_and_count(self, client, corpus):
        response = client.get(reverse("experiences:search"), {"q": "右玉"})
        page = response.content.decode()
        assert response.status_code == 200
        assert "共找到 1 条结果" in page
        assert "<mark>右玉</mark>" in page
        assert corpus["principles"][4].get_absolute_url() in page

    def test_search_box_on_every_page(self, client, corpus):
        page = client.get("/").content.decode()
        assert 'role="search"' in page and 'name="q"' in page

    @pytest.mark.parametrize(
        "query",
        [
            "",
            "   ",
            ",。!?",
            "!!!",
            "的",
            "原",
            "'; DROP TABLE experiences_essay; --",
            "a & b | !c",
            "\\",
        ],
    )
    def test_odd_queries_give_a_page(self, client, corpus, query):
        response = client.get(reverse("experiences:search"), {"q": query})
        assert response.status_code == 200

    def test_empty_and_punctuation_only_explain_themselves(self, client, corpus):
        assert "请输入要搜索的词" in client.get(reverse("experiences:search")).content.decode()
        page = client.get(reverse("experiences:search"), {"q": ",。!"}).content.decode()
        assert "单独的标点符号无法搜索" in page

    def test_very_long_query_is_truncated_with_a_note(self, client, corpus):
        response = client.get(reverse("experiences:search"), {"q": "原则" * 150})
        assert response.status_code == 200
        assert "只使用了前 200 个字" in response.content.decode()

    def test_content_html_is_escaped_in_snippets(self, client, corpus):
        author = UserFactory(is_staff=True)
        reflection_create(
            author=author,
            principle=None,
            title="<b>原则</b>标题",
            body="`<script>alert(1)</script>` 原则问题",
            tags=[],
        )
        page = client.get(reverse("experiences:search"), {"q": "原则"}).content.decode()
        assert "<script>alert(1)</script>" not in page
        assert "&lt;b&gt;<mark>原则</mark>&lt;/b&gt;" in page

    def test_bad_filters_and_pages(self, client, corpus):
        url = reverse("experiences:search")
        for params in (
            {"q": "原则", "kind": "nonsense"},
            {"q": "原则", "principle": "x"},
            {"q": "原则", "page": "999"},
        ):
            assert client.get(url, params).status_code == 200

    def test_compound_with_no_hits_falls_back_and_says_so(self, client, corpus):
        page = client.get(reverse("experiences:search"), {"q": "干群关系"}).content.decode()
        assert "没有找到“干群关系”\uff0c以下是“干群”“关系”的结果" in page
        assert corpus["principles"][1].get_absolute_url() in page
        assert "<mark>关系</mark>" in page

    def test_no_hits_without_filters_suggests_close_names(self, client, corpus):
        page = client.get(reverse("experiences:search"), {"q": "信仿"}).content.decode()
        assert "去掉一些筛选条件" not in page
        assert "你是不是要找" in page
        # A homophone typo is corrected (issue 29), and what the correction finds is shown.
        assert '你是不是要找\uff1a<a href="/search/?q=%E4%BF%A1%E8%AE%BF">信访</a>' in page
        assert '<a href="/tags/%E4%BF%A1%E8%AE%BF/"><mark>信访</mark></a>' in page
        page = client.get(reverse("experiences:search"), {"q": "多面刀"}).content.decode()
        assert f'href="{corpus["principles"][3].get_absolute_url()}">多面手</a>' in page

    def test_no_hits_with_a_filter_advises_removing_it(self, client, corpus):
        page = client.get(
            reverse("experiences:search"), {"q": "区块链", "kind": "tag"}
        ).content.decode()
        assert "去掉一些筛选条件" in page
        assert "你是不是要找" not in page

    def test_no_suggestions_for_hidden_tags(self, client, corpus):
        page = client.get(reverse("experiences:search"), {"q": "拒绝诱感"}).content.decode()
        assert "拒绝诱惑" not in page

    @pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
    @pytest.mark.parametrize(
        "query", ["原则", "干群关系", "信仿"], ids=["hits", "fallback", "none"]
    )
    def test_query_count_is_constant_on_every_path(
        self, client, corpus, settings, django_assert_max_num_queries, signed_in, query
    ):
        settings.REFLECTIONS_PER_HOUR = 100
        if signed_in:
            client.force_login(UserFactory())
        url = reverse("experiences:search")
        # Count, the parts' count (fallback only), page or suggested tags, principles;
        # the session, the user, whether they have unpublished text of their own, their
        # permissions (2: a moderator finds every reflection and reply, as
        # Reflection.visible_to says) and the header's unread count when signed in.
        # PostgreSQL wraps each count in a savepoint with a SET LOCAL (4 queries a count).
        # On the way to nothing: the homophone lookup and the correction's count; and the
        # synonym table, read once per process.
        limit = (4 if connection.vendor == "sqlite" else 10) + (6 if signed_in else 0)
        limit += 3 if connection.vendor == "sqlite" else 6
        with django_assert_max_num_queries(limit):
            assert client.get(url, {"q": query}).status_code == 200
        author = UserFactory(is_staff=True)
        for index in range(25):
            reflection_create(
                author=author,
                principle=None,
                title=f"原则{index}",
                body="坚持原则,关系融洽。",
                tags=[f"信{index}"],
            )
        with django_assert_max_num_queries(limit):
            assert client.get(url, {"q": query}).status_code == 200

    def test_query_count_is_constant(self, client, corpus, settings, django_assert_max_num_queries):
        settings.REFLECTIONS_PER_HOUR = 100
        url = reverse("experiences:search")
        # The synonym table is read once per process, by whichever test searches first:
        # read here, so the count is the same wherever this test runs in the suite.
        synonym_table()
        # Count, page, principle filter list; PostgreSQL adds a savepoint around the count.
        limit = 6 if connection.vendor == "postgresql" else 4
        with django_assert_max_num_queries(limit):
            client.get(url, {"q": "原则"})
        author = UserFactory(is_staff=True)
        for index in range(25):
            reflection_create(
                author=author,
                principle=None,
                title=f"原则{index}",
                body="坚持原则。",
                tags=[f"t{index}"],
            )
        with django_assert_max_num_queries(limit):
            assert client.get(url, {"q": "原则"}).status_code == 200


def test_snippet_highlight_escapes_and_marks():
    html = snippet_highlight("前面<b>坚定原则</b>后面", ["原则"])
    assert html == "前面&lt;b&gt;坚定<mark>原则</mark>&lt;/b&gt;后面"


def test_query_parse():
    parsed = query_parse("  坚定原则   三严三实 ")
    assert parsed.words == ["坚定原则", "三严三实"]
    assert "三严" in parsed.tokens and "三实" in parsed.tokens
    assert query_parse(",。!").is_empty
    assert query_parse("x" * 300).truncated


def test_title_highlight_keeps_the_whole_title():
    from experiences.search.snippets import title_highlight

    html = title_highlight("既要「人情世故」,更要「坚定原则」", ["原则"])
    assert html == "既要「人情世故」,更要「坚定<mark>原则</mark>」"
