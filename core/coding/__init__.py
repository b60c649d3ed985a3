"""The researcher's coding: codes applied to spans of what respondents said, the codebook the
researcher grows, memos, key quotes, search, matrix queries and coder comparison. No Qt."""
