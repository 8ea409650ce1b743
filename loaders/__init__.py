"""Reading task lists (.txt in any common Chinese encoding, .docx) and extracting their tasks.

    from policykg.loaders import extract_file
    result = extract_file("examples/001_8158844c7a4eb5af.txt")
    result.tasks[0].departments   # ['教育部', '各地有关部门']
"""
from .extract import extract, extract_file, task_record
from .metadata import Manifest, extract_meta, load_manifest
from .reader import iter_input_files, read, read_bytes
from .segment import segment
from .source import LoaderError, Paragraph, SourceDocument, Table

__all__ = [
    "LoaderError", "Manifest", "Paragraph", "SourceDocument", "Table", "extract", "extract_file", "extract_meta",
    "iter_input_files", "load_manifest", "read", "read_bytes", "segment", "task_record",
]
