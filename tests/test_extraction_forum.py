"""A forum thread whose posts sit in comment containers: the page's JSON-LD says it is a
forum (``DiscussionForumPosting``), and the posts are its content, not comments."""

from __future__ import annotations

import json

from newscrawl.extraction import extract

POSTS = [
    "I have been getting gateway errors every evening since the announcement last week.",
    "Same here, the archive pages time out for me whenever the backup job is running.",
    "The moderators said the servers move to a new host on Friday, so it should settle.",
]


def forum_page() -> str:
    ld = {"@context": "https://schema.org", "@type": "DiscussionForumPosting",
          "headline": "Gateway errors every evening", "author": {"name": "ColdJ"}}  # fmt: skip
    posts = "".join(
        f'<div class="comment-item"><div class="comment-body"><p>{p} {p}</p></div></div>'
        for p in POSTS
    )
    return (
        "<html><head><title>Gateway errors every evening</title></head><body>"
        "<nav><a href='/'>Forums</a> <a href='/new'>New posts</a></nav>"
        "<h1>Gateway errors every evening</h1>"
        f'<script type="application/ld+json">{json.dumps(ld)}</script>'
        f'<div class="comments">{posts}</div>'
        "<footer>Powered by a forum engine</footer></body></html>"
    )


def test_forum_posts_in_comment_containers_are_content() -> None:
    article = extract(forum_page(), url="https://forum.example/t/gateway-errors/")
    for post in POSTS:
        assert post in article.text
    assert "Powered by" not in article.text
    assert "DiscussionForumPosting" not in article.text  # the JSON-LD is no page text
