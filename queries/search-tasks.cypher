// Tasks and school measures whose text contains $keyword, in document order (the document id's first fifteen
// characters, then the item's place in it). The documents are sorted first (a few thousand), so the items are
// read a document at a time in that order and the sort stops at the limit (a partial top).
MATCH (doc:Document)
WHERE $document IS NULL OR doc.doc_id = $document
WITH doc.doc_id AS document, left(doc.doc_id, 15) AS head
ORDER BY head
CALL {
  WITH document
  MATCH (item:Task {doc_id: document})
  WHERE item.text CONTAINS $keyword
  RETURN item
  UNION
  WITH document
  MATCH (item:SchoolMeasure {doc_id: document})
  WHERE coalesce(item.text, item.measure) CONTAINS $keyword
  RETURN item
}
OPTIONAL MATCH (parent:Task)-[:HAS_MEASURE]->(item)
WITH head, document, item, parent, coalesce(item.seq, parent.seq, -1) AS seq
ORDER BY head, seq, document, item.task_no, item.id
LIMIT $limit
OPTIONAL MATCH (item)-[:LEAD|SUPPORT]->(d:Department)
WITH head, document, item, parent, seq, collect(DISTINCT d.name) AS departments
RETURN document, item.task_no AS task_no, coalesce(item.section, parent.section) AS section,
       coalesce(item.text, item.measure) AS text, departments, item.deadline_text AS deadline
ORDER BY head, seq, document, task_no, item.id
