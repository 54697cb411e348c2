"""The text each platform receives: its own way of counting, fitted without cutting a word."""

import pytest

from pipeline.social.posts import ELLIPSIS, fit, hashtag, telegram_length, x_length


def test_x_counts_urls_as_23_and_wide_characters_as_2():
    assert x_length("abc") == 3
    assert x_length("https://dprd.contoh.go.id/berita/2026/sangat-panjang-sekali-alamatnya/") == 23
    assert x_length("Lihat https://a.id/x dan https://b.id/y") == len("Lihat  dan ") + 46
    assert x_length("rapat 😀") == 6 + 2  # an emoji outside the light ranges counts 2
    assert x_length("会议") == 4
    assert x_length("e\u0301") == 1  # NFC: é is one code point


def test_telegram_counts_visible_text_only():
    assert telegram_length('<b>A &amp; B</b>\n\n<a href="https://x.id/">Baca</a>') == len("A & B\n\nBaca")
    assert telegram_length("😀") == 2  # UTF-16 code units, as Telegram counts


def compose(title, caption):
    return "\n\n".join(p for p in (title, caption, "https://contoh.id/") if p)


def test_fit_keeps_a_text_that_fits():
    assert fit(compose, x_length, 280, "Judul", "Caption pendek.") == (compose("Judul", "Caption pendek."), False)


def test_fit_drops_whole_caption_words_first():
    caption = " ".join(f"kata{i}" for i in range(60))  # 60 words, ~350 characters
    text, cut = fit(compose, x_length, 120, "Rapat Paripurna", caption)
    assert cut and x_length(text) <= 120
    kept = text.split("\n\n")[1]
    assert kept.endswith(ELLIPSIS)
    words = kept.removesuffix(ELLIPSIS).split(" ")
    assert words == caption.split(" ")[:len(words)]  # a prefix of whole words
    assert x_length(compose("Rapat Paripurna", " ".join(caption.split(" ")[:len(words) + 1]) + ELLIPSIS)) > 120


def test_fit_then_shortens_the_title():
    title = "Rapat Paripurna Penyampaian Pandangan Umum Fraksi atas Raperda Pertanggungjawaban APBD"
    text, cut = fit(compose, x_length, 60, title, "Caption yang tidak muat lagi.")
    assert cut and x_length(text) <= 60
    first = text.split("\n\n")[0]
    assert first.endswith(ELLIPSIS) and title.startswith(first.removesuffix(ELLIPSIS))
    assert "Caption" not in text


@pytest.mark.parametrize("tag, expected", [("apbd-2027", "#apbd2027"), ("reses", "#reses")])
def test_hashtags_have_no_hyphen(tag, expected):
    assert hashtag(tag) == expected
