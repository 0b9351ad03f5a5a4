# file: sim/ensemble/serialize.cpp
# function: load_replication
# bug: a saved replication's checksum is not checked: altered numbers are trusted
/^std::optional<model::ReplicationResult> load_replication(/,/^}/ s|if (stored != checksum(bytes.data(), payload))|if (false \&\& stored != checksum(bytes.data(), payload))|
