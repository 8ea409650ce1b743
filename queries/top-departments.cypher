// Departments ranked by tasks carried (tasks and school measures), lead and support counted apart. Over the
// whole store: the totals every document write keeps on the departments (graph/stores/neo4j_totals.py), and
// only those at or above the cut (the limit-th highest among the departments asked for, read in the order of
// the index on total_items) are sorted in full; within one document: its department summaries (one per
// department it names).
CALL {
  MATCH (d:Department)
  WHERE $document IS NULL AND d.total_items IS NOT NULL
    AND ($level IS NULL OR d.level = $level)
    AND ($function IS NULL OR d.function = $function)
    AND ($jurisdiction IS NULL OR d.jurisdiction = $jurisdiction)
  WITH d.total_items AS total ORDER BY total DESC LIMIT $limit
  WITH min(total) AS cut
  MATCH (d:Department) WHERE d.total_items >= cut
  RETURN d, coalesce(d.total_lead, 0) AS lead, coalesce(d.total_support, 0) AS support, d.total_items AS total
  UNION ALL
  MATCH (s:DepartmentSummary {doc_id: $document})-[:SUMMARIZES]->(d:Department)
  RETURN d, s.lead AS lead, s.support AS support, s.items AS total
}
WITH d, lead, support, total
WHERE ($level IS NULL OR d.level = $level)
  AND ($function IS NULL OR d.function = $function)
  AND ($jurisdiction IS NULL OR d.jurisdiction = $jurisdiction)
RETURN d.name AS department, d.key AS key, d.level AS level, d.jurisdiction AS jurisdiction,
       d.function AS function, lead, support, total
ORDER BY total DESC, lead DESC, department, d.id
LIMIT $limit
