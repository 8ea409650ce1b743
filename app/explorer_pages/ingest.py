"""Ingest: upload task lists, see what was extracted (and the warnings) before anything is written, then write
and link the tasks to the higher-level tasks they implement (as `policykg ingest` does)."""
import streamlit as st

from policykg.app import explorer_data as data
from policykg.app.explorer_data import t

st.title(t("page_ingest"))
limit_mb = data.upload_limit_mb()
uploads = st.file_uploader(t("i_upload", limit=limit_mb), type=["docx", "txt"], accept_multiple_files=True,
                           key="ingest_files", max_upload_size=limit_mb)

if uploads:
    previews = []
    for upload in uploads:
        # read in memory and checked here, whatever the browser claimed; nothing uploaded is ever executed
        preview = data.extract_upload(upload.name, upload.getvalue(), limit_mb)
        if data.show_failure(preview):
            continue
        previews.append(preview)
        with st.expander(t("i_preview", name=upload.name, tasks=len(preview.tasks), problems=len(preview.problems)),
                         expanded=len(uploads) == 1):
            for problem in preview.problems:
                st.warning(str(problem))
            st.dataframe(data.extraction_frame(preview), hide_index=True, width="stretch")
    if previews and st.button(t("i_write"), type="primary", key="ingest_write"):
        bar = st.progress(0.0)
        steps = len(previews) + 1   # each file, then the linking
        changed = False
        for i, preview in enumerate(previews, start=1):
            outcome = data.attempt(data.write_extraction, preview)
            if not data.show_failure(outcome):
                st.success(t("i_written", doc=outcome.doc, action=outcome.action))
                changed |= outcome.action in ("added", "replaced")
            bar.progress(i / steps, text=f"{i}/{len(previews)}")
        if changed:   # only new or changed documents can change the links
            bar.progress(len(previews) / steps, text=t("i_linking"))
            linked = data.attempt(data.link_cascade)
            if not data.show_failure(linked):
                st.success(t("i_linked", confident=linked["confident"], suggestions=linked["suggestions"]))
        bar.progress(1.0, text=t("i_done"))
        st.success(t("i_done"))
