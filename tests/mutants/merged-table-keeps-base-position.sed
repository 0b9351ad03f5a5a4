# file: sim/scenario/document.cpp
# function: merge
# bug: a table merged from an extends chain keeps the base file's position
/^void merge(Node& base, Node&& child) {/,/^}/ s|^  base.pos = child.pos;$||
