"""Hostile and awkward texts for the escaping helpers (``ui.kit.escape``): the unit tests, the
AppTest test and the browser test all render this one list."""

LONG_TEXT = "A pasted novel. " * 400  # 6,400 characters

CORPUS = (
    # Markdown links, images, autolinks and bare URLs
    "[Re-login](https://evil.example/p)",
    "![](https://evil.example/pixel.png)",
    "![tracking pixel](https://evil.example/pixel.png 'title')",
    "<https://evil.example/autolink>",
    "see https://evil.example/path?q=1&r=2 now",
    "HTTP://EVIL.EXAMPLE/upper",
    "www.evil.example and WWW.EVIL.EXAMPLE",
    "mail someone@evil.example",
    "mailto:someone@evil.example xmpp:someone@evil.example",
    "[x][ref]\n\n[ref]: https://evil.example",
    # HTML
    "<img src=x onerror=alert(1)>",
    "<script>alert('hi')</script>",
    "<a href='https://evil.example'>click</a>",
    "&lt;b&gt; &amp; &#x3C;b&#x3E; &copy;",
    # Markdown structure
    "**bold** __strong__ *it* _it_ ~~strike~~",
    "# Heading",
    "- item\n+ item\n* item\n1. item\n2) item",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "```python\nprint(1)\n```",
    "`code` and ``more``",
    "> a quote",
    "    indented code",
    "Setext\n===",
    "a\\*b \\\\ \\",
    "[^1] footnote\n\n[^1]: https://evil.example",
    "- [x] task",
    # Streamlit's Markdown extensions
    ":red[alert] :blue-background[x] :green-badge[ok] :small[tiny] :color[x]{foreground=red}",
    ":material/home: :streamlit: :smile: :+1:",
    # Math and LaTeX
    "$x^2$ and $$\\frac{1}{2}$$ and \\(x\\)",
    "\\href{https://evil.example}{click}",
    "\\url{https://evil.example}",
    "\\def\\x{1} \\newcommand{\\y}{2} \\input{/etc/passwd} \\gdef\\z{3}",
    "\\htmlStyle{color:red}{x} \\includegraphics{https://evil.example/p.png}",
    "unbalanced { braces }} { and } and $",
    "text-mode ligatures -- --- ``quotes'' ~ ^ _ % # &",
    # Unicode
    "right-to-left \u202eevil\u202c text \u2067isolate\u2069 \u200fmark",
    "zero\u200bwidth\u2060joiner\ufeffbom \U000e0041\U000e0042tags",
    "bell\x07 escape\x1b[31m nul\x00 del\x7f c1\x85 end",
    "emoji 👨\u200d👩\u200d👧 é (e + \u0301) 漢字 عربي",
    "lone surrogate \ud800 here",
    "line1\nline2\r\nline3\u2028line4",
    # Plotly's HTML subset and hovertemplates
    "<b>bold</b><br><i>it</i> <span style='color:red'>red</span> <sup>2</sup>",
    "%{x} %{y:.2f} <extra>hover</extra>",
    "$\\alpha$",
    # Length
    LONG_TEXT,
    "",
    "   ",
)
