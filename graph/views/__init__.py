"""Looking at the graph: choosing a part of it (subgraph), task lists and timelines (browse), what a department owes
(duties), a node's neighbourhood read from the store (neighbourhood), and standalone HTML pages of a graph
(network_page) or an implementation tree (tree_page)."""
