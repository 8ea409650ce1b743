// Target pairs of the two ends of each IMPLEMENTS link that the linker matched (same unit, same kind of
// counted object: written as RESTATES_TARGET, lower target -> higher) and whose values differ. The higher tasks
// are read in id order from the id index, and everything after keeps that order, so the final sort only orders
// the rows of one higher task at a time and stops at the limit.
MATCH (higher:Task) WHERE higher.id IS NOT NULL
WITH higher ORDER BY higher.id
MATCH (higher)-[:HAS_TARGET]->(ht:Target)<-[:RESTATES_TARGET]-(lt:Target)<-[:HAS_TARGET]-(lower:Task)
WHERE lt.unit = ht.unit AND lt.value <> ht.value AND ($unit IS NULL OR lt.unit = $unit)
MATCH (lower)-[r:IMPLEMENTS]->(higher)
WHERE NOT coalesce($confident_only, true) OR NOT r.review
MATCH (ld:Document {doc_id: lower.doc_id})
WITH higher, lower, lt, ht,
     CASE WHEN ld.level CONTAINS '+' THEN split(ld.level, '+')[0] ELSE ld.level END AS lower_level
WHERE $level IS NULL OR lower_level = $level
RETURN higher.id AS higher, higher.doc_id AS higher_document, ht.text AS higher_target, ht.value AS higher_value,
       lower.id AS lower, lower.doc_id AS lower_document, lower_level, lt.text AS lower_target,
       lt.value AS lower_value, lt.unit AS unit,
       CASE WHEN ht.value = 0 THEN null ELSE lt.value / ht.value END AS ratio
ORDER BY higher, lower, unit, higher_target, lower_target, higher_value, lower_value
LIMIT $limit
