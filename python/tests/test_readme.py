"""The README's Python quick start runs as written: its `pycon` blocks are doctests."""

from __future__ import annotations

import doctest
import re

from conftest import ROOT


def test_readme_python_examples() -> None:
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```pycon\n(.*?)```", text, flags=re.S)
    assert blocks, "the README has no pycon example"
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for i, block in enumerate(blocks):
        test = parser.get_doctest(block, {}, f"README.md pycon block {i}", "README.md", 0)
        assert test.examples
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0 and result.attempted >= 8


def test_package_docstring_example() -> None:
    import causeway

    failed, attempted = doctest.testmod(causeway, optionflags=doctest.ELLIPSIS)[:2]
    assert failed == 0 and attempted >= 2
