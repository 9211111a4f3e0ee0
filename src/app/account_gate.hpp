#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "app/ports.hpp"

namespace admit {

/// Decides whether a verified access token may still be used: its account must exist, not be
/// disabled, and still be at the token version the token was issued under (a revoked role or
/// a disabled account moves the version on). A signature proves only what was true when the
/// token was issued; this is what makes a revocation take effect before the token expires.
///
/// Cheap on the hot path: each node keeps the accounts it has seen recently in memory and asks
/// the store again only when its answer is older than `max_age`. So a change made on any node,
/// or by `admit user …` on the command line, is refused everywhere within `max_age` (plus one
/// request's time), and a busy account costs one indexed lookup per `max_age` per node. A token
/// newer than the state a node holds (issued after an enable or a revoke) makes it ask at once.
class AccountGate {
 public:
  using SteadyClock = std::function<std::chrono::steady_clock::time_point()>;

  static constexpr std::chrono::milliseconds kDefaultMaxAge{2000};

  explicit AccountGate(UserStore& store, std::chrono::milliseconds max_age = kDefaultMaxAge,
                       SteadyClock now = std::chrono::steady_clock::now);

  /// Ok, or Errc::unauthenticated saying why the token no longer counts. Throws Outage when
  /// the store must be asked and cannot answer.
  Result<void> check(Principal const& who);
  /// As check(), but asks the store now whatever the cache holds: for explaining a request that
  /// failed (a write refused because the account row vanished a moment ago). Never throws: when
  /// the store cannot answer it says Ok, and asks nobody for the next second, so an outage does
  /// not double the load it is already failing under.
  Result<void> recheck(Principal const& who);

 private:
  struct Entry {
    std::optional<AccountState> state;  ///< nullopt: no such account
    std::chrono::steady_clock::time_point fetched;
  };
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, Entry, TextHash, std::equal_to<>> entries;
  };
  static constexpr std::size_t kShards = 16;
  /// Per shard; past it the shard is emptied (each account then costs one lookup again).
  static constexpr std::size_t kShardLimit = 20'000;

  std::optional<AccountState> state_of(Principal const& who);
  std::optional<AccountState> fetch(std::string_view user_id, std::chrono::steady_clock::time_point now);
  static Result<void> verdict(std::optional<AccountState> const& state, Principal const& who);

  UserStore& store_;
  std::chrono::milliseconds max_age_;
  SteadyClock now_;
  std::array<Shard, kShards> shards_;
  std::atomic<std::chrono::steady_clock::rep> rechecks_paused_until_{0};
};

}  // namespace admit
