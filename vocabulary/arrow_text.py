"""Text columns in Arrow: as one array, and as NumPy bytes for checks that read fixed positions of ASCII cells.

A date or a BSN is a few characters at known places. Read straight from Arrow's buffers, a whole
column is checked with a handful of array operations instead of a text kernel or a regular
expression per format. Only for ASCII: there a character is a byte and `\\d` is 0-9 for Arrow and
Python alike; other text goes the general way.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa


def arrow_text(values: pd.Series | pa.Array | pa.ChunkedArray) -> pa.Array:
    """A text column as one Arrow `large_string` array (missing cells null), without a Python string per cell."""
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        text = values.cast(pa.large_string())
    else:
        text = pa.array(values.astype("string").array, type=pa.large_string(), from_pandas=True)
    return text.combine_chunks() if isinstance(text, pa.ChunkedArray) else text


def ascii_bytes(text: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray] | None:
    """(offsets, bytes) of the column: cell i is `bytes[offsets[i]:offsets[i + 1]]` (a null cell is
    empty; see its validity for whether it is null). None when any cell is not ASCII."""
    if isinstance(text, pa.ChunkedArray):  # stacked files, a chunk each: one buffer, one pass
        text = text.combine_chunks()
    text = text.cast(pa.large_string())
    _, offset_buffer, data_buffer = text.buffers()
    offsets = np.frombuffer(offset_buffer, dtype=np.int64, count=len(text) + 1, offset=8 * text.offset)
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else np.zeros(0, dtype=np.uint8)
    if offsets[-1] > offsets[0] and data[offsets[0] : offsets[-1]].max() >= 128:
        return None
    return offsets, data
