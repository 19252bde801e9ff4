"""The nbval sanitizers (tests/nbval_sanitize.cfg) hide package paths and line numbers, and nothing else."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

import pytest

CFG = Path(__file__).with_name("nbval_sanitize.cfg")


def sanitize(text: str) -> str:
    config = configparser.ConfigParser()
    config.read(CFG)
    for section in config.sections():
        text = re.sub(config[section]["regex"], config[section]["replace"], text)
    return text


@pytest.mark.parametrize("before, after", [
    ("/work/main/src/backprop/pooling.py:127: RuntimeWarning: overflow",
     "backprop/pooling.py:LINE: RuntimeWarning: overflow"),
    ('File "/home/me/book/src/backprop/models/lenet.py", line 12, in loss_and_grads',
     "File backprop/models/lenet.py:LINE, in loss_and_grads"),
    ("File \x1b[32m/work/wt/x/src/backprop/conv.py:88\x1b[39m, in conv2d_forward",
     "File \x1b[32mbackprop/conv.py:LINE\x1b[39m, in conv2d_forward"),
    ("<Figure at 0x7f3a2c>", "<Figure at 0xADDRESS>"),
])
def test_paths_line_numbers_and_addresses_are_hidden(before, after):
    assert sanitize(before) == after


def test_the_same_package_line_in_two_checkouts_compares_equal():
    assert sanitize("/a/src/backprop/dense.py:10: UserWarning") == sanitize("/b/c/src/backprop/dense.py:99: UserWarning")


@pytest.mark.parametrize("text", ["loss 0.1234 at epoch 12", "line 3 of the table", "x.py:12 is a user file",
                                  "H' = floor((6 + 2*0 - 3) / 1) + 1 = 4"])
def test_other_output_is_left_alone(text):
    assert sanitize(text) == text
