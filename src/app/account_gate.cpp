#include "app/account_gate.hpp"

namespace admit {

AccountGate::AccountGate(UserStore& store, std::chrono::milliseconds max_age, SteadyClock now)
    : store_(store), max_age_(max_age), now_(std::move(now)) {}

std::optional<AccountState> AccountGate::fetch(std::string_view user_id, std::chrono::steady_clock::time_point now) {
  // Asked outside the shard's lock: two threads may both ask for one account, which costs a
  // lookup, while holding the lock would make every account of the shard wait for the database.
  auto state = store_.account_state(user_id);
  auto& shard = shards_[std::hash<std::string_view>{}(user_id) % kShards];
  std::lock_guard const lock(shard.mutex);
  if (shard.entries.size() >= kShardLimit) shard.entries.clear();
  shard.entries.insert_or_assign(std::string(user_id), Entry{state, now});
  return state;
}

std::optional<AccountState> AccountGate::state_of(Principal const& who) {
  auto& shard = shards_[std::hash<std::string_view>{}(who.user_id) % kShards];
  auto const now = now_();
  {
    std::lock_guard const lock(shard.mutex);
    auto const hit = shard.entries.find(who.user_id);
    // Versions only grow, so a token newer than the cached state proves the cache stale (a token
    // issued after an enable or a revoke, on any node): ask again rather than refuse it.
    if (hit != shard.entries.end() && now - hit->second.fetched < max_age_ &&
        !(hit->second.state && who.token_version > hit->second.state->token_version)) {
      return hit->second.state;
    }
  }
  return fetch(who.user_id, now);
}

Result<void> AccountGate::verdict(std::optional<AccountState> const& state, Principal const& who) {
  if (!state) return fail(Errc::unauthenticated, "The account of this access token no longer exists.");
  if (state->disabled) return fail(Errc::unauthenticated, "The account of this access token is disabled.");
  if (state->token_version != who.token_version) {
    return fail(Errc::unauthenticated,
                "The account's rights changed after this access token was issued; sign in again.");
  }
  return {};
}

Result<void> AccountGate::check(Principal const& who) {
  return verdict(state_of(who), who);
}

Result<void> AccountGate::recheck(Principal const& who) {
  auto const now = now_();
  if (now.time_since_epoch().count() < rechecks_paused_until_.load(std::memory_order_relaxed)) return {};
  try {
    return verdict(fetch(who.user_id, now), who);
  } catch (std::exception const&) {
    rechecks_paused_until_.store((now + std::chrono::seconds{1}).time_since_epoch().count(), std::memory_order_relaxed);
    return {};
  }
}

}  // namespace admit
