"""The Streamlit explorer's entry script: page set-up, the language switch, the store shown, navigation.

Run it with ``policykg app`` (which starts Streamlit headless on this file). Pages live in ``app/explorer_pages`` and
only lay out widgets; they read everything through ``policykg.app.explorer_data``.
"""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from policykg.app import explorer_data as data
from policykg.app.explorer_data import t

# no page_icon: a Material icon favicon is fetched from fonts.gstatic.com, and offline networks have no internet
st.set_page_config(page_title="policykg", layout="wide")

# Not "pages/": Streamlit would also serve a folder of that name as old-style pages, bypassing this script.
PAGES = Path(__file__).resolve().parent / "explorer_pages"
# (file, UI string key, url path); the first is the default page. No page icons: the current page's icon
# becomes the favicon, which Streamlit fetches from fonts.gstatic.com.
_PAGES = (
    ("overview.py", "page_overview", "overview"),
    ("browse.py", "page_browse", "browse"),
    ("department.py", "page_department", "department"),
    ("chain.py", "page_chain", "chain"),
    ("graph.py", "page_graph", "graph"),
    ("queries.py", "page_queries", "queries"),
    ("timeline.py", "page_timeline", "timeline"),
    ("ingest.py", "page_ingest", "ingest"),
)

with st.sidebar:
    st.toggle(t("english"), key="english")

# a read-only explorer (POLICYKG_EXPLORER_READ_ONLY) has no ingest page: it is neither listed nor served
_WRITE_PAGES = {"ingest.py"}
# The default page is served at the root, and the name it is given is reserved but not served (Streamlit
# answers "Page not found" there); /overview, which links and bookmarks use, is a hidden page that goes to it.
pages = [st.Page(PAGES / file, title=t(key), url_path=path if i else "home", default=(i == 0))
         for i, (file, key, path) in enumerate(_PAGES) if data.writes_allowed() or file not in _WRITE_PAGES]
pages.append(st.Page(lambda: st.switch_page(pages[0]), title=t("page_overview"), url_path=_PAGES[0][2],
                     visibility="hidden"))
navigation = st.navigation(pages)
# On another page, what the address last said (app/explorer_widgets.py: from_address) is forgotten: the new page's
# address is read afresh, even where a parameter of the same name held the same value on the page before.
if st.session_state.get("_explorer_page") != navigation.url_path:
    st.session_state["_explorer_page"] = navigation.url_path
    for marker in [k for k in st.session_state if str(k).startswith("_address_")]:
        del st.session_state[marker]

with st.sidebar:
    opened = data.attempt(data.store)
    if isinstance(opened, data.Failure):
        st.error(t("store_failed", error=opened.message))
    else:
        st.caption(data.store_words(opened))
    if not data.writes_allowed():
        st.caption(t("read_only_note"))

navigation.run()
