"""Bounds and weights of the search module, in one place."""

MAX_INPUT_CHARS = 200_000  # longer text is cut: bounds jieba's work and the index size
MAX_TOKEN_CHARS = 64  # longer "words" are base64, hashes or junk, never typed in a search
MAX_QUERY_TERMS = 32  # the query's first distinct terms; keeps the SQL small and bounded
MAX_LIMIT = 10_000

# A word only article documents contain (one word, as FTS5 and PostgreSQL see it): an
# article search ANDs it into the full-text query, so the index intersects a few
# thousand articles with a term instead of ranking every ticket message that has it.
ARTICLE_MARKER = "qqkbarticleqq"

# When every term of a query matches more documents than this, each term is ranked among
# its newest RANK_WINDOW matches only (documents' ids grow with time). Ranking computes
# a score per matching document: 不制冷 (不 + 制冷, in every fifth ticket) took 120 ms at
# 100,000 tickets, growing with the table, for a page of 25. A query with a rarer term
# is ranked over all matches, so a specific search (an error code) finds old tickets.
RANK_WINDOW = 2_000

TITLE_WEIGHT = 10.0  # SQLite bm25 weight of title_tokens; body weight is 1.0
# PostgreSQL ts_rank weights: title is 'A' (1.0), body 'D' (0.1), the same 10:1 ratio.

TYPO_MIN_CHARS = 4  # shorter English terms have too many real words one edit away
TYPO_MAX_CHARS = 24
TYPO_MAX_TERMS = 3  # each expanded term becomes an OR of a few hundred variants

# Dropped from queries (not from documents) so that a natural-language query still
# finds tickets; a query made only of these keeps them.
# fmt: off
QUERY_STOPWORDS = frozenset({
    "a", "an", "and", "are", "at", "be", "by", "can", "do", "for", "from", "hello", "hi",
    "how", "i", "in", "is", "it", "me", "my", "of", "on", "or", "our", "please", "the",
    "to", "we", "what", "with", "you", "your",
    "的", "了", "和", "与", "及", "吗", "呢", "吧", "啊", "呀", "是", "在", "请", "我", "你",
    "您", "想",
    # Question words: every how-to article would match them.
    "怎么", "怎么办", "怎样", "怎么样", "如何", "为什么", "什么", "哪些", "哪里", "能不能",
    "可不可以", "可以", "能",
})
# fmt: on
