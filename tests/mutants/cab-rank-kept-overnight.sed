# file: sim/model/taxi.cpp
# function: taxi::on_close
# bug: the cabs in the rank stay there when the stand closes
/^void on_close(World& w, std::uint32_t ti) {/,/^}/ s|  w.res\[w.taxi.rank_res\[ti\]\].withdraw_all|  if (false) w.res[w.taxi.rank_res[ti]].withdraw_all|
