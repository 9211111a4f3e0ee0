#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace admit {

struct LoginThrottleSettings {
  /// Failed sign-ins from one client address to one email address before that pair has to wait;
  /// 0 turns this part off.
  int free_per_address = 5;
  /// Failed sign-ins to one email address from all addresses together before every address that
  /// has not signed in to it lately has to wait; 0 turns this part off.
  int free_per_account = 20;
  std::chrono::seconds max_delay_per_address{15 * 60};
  std::chrono::seconds max_delay_per_account{60};
  /// How long a successful sign-in exempts its address from the account-wide wait.
  std::chrono::hours remember_address{24 * 30};
  /// A key that has not failed for this long starts again from nothing.
  std::chrono::hours forget_after{24};
};

/// Exponential back-off for password sign-ins, per account as well as per client address.
///
/// Keys are the submitted email address, normalised, whether or not an account has it: every
/// answer (the 429 and its Retry-After included) is the same for an address with an account and
/// one without, so the throttle tells nobody which addresses are registered.
///
/// Two counters decide, each doubling a wait from one second once its free failures are used:
///  - per (email, client address): a guesser at one address slows to one guess per
///    `max_delay_per_address` (15 min) on that account, without touching anybody else;
///  - per email, over all addresses: guessers spread over many addresses slow to one guess per
///    `max_delay_per_account` (1 min) together. This is the part an attacker could aim at the
///    real owner, so its cap is low, and an address that signed in to the account successfully
///    within `remember_address` is exempt from it: the owner on their usual address never waits
///    for anyone else's failures, and on a new address at most the low cap.
/// An attempt is counted as failed when it starts (so parallel guesses cannot all slip through
/// before the first one fails) and taken back when it succeeds; an attempt refused by the
/// throttle is not counted, so waiting is never made longer by asking.
///
/// The state lives in this node's memory: with several nodes each counts on its own, so spread
/// over N nodes a guesser gets up to N times the allowance (the doubling still dominates), and an
/// address is remembered by the nodes it signed in on.
class LoginThrottle {
 public:
  using SteadyClock = std::function<std::chrono::steady_clock::time_point()>;

  explicit LoginThrottle(LoginThrottleSettings settings, SteadyClock now = std::chrono::steady_clock::now);

  /// Starts a sign-in attempt: nullopt when it may go ahead (and it is counted as failed until
  /// succeeded() says otherwise), else how long to wait.
  std::optional<std::chrono::seconds> begin(std::string_view email, std::string_view client);
  /// The attempt begun for this pair had the right password.
  void succeeded(std::string_view email, std::string_view client);

  bool enabled() const { return settings_.free_per_address > 0 || settings_.free_per_account > 0; }

  /// The wait after `failures` failures of which `free` cost nothing: 1 s, 2 s, 4 s … up to `cap`.
  static std::chrono::seconds delay_after(std::int64_t failures, int free, std::chrono::seconds cap);

 private:
  using TimePoint = std::chrono::steady_clock::time_point;
  struct Counter {
    std::int64_t failures = 0;
    TimePoint last_failure;
    TimePoint blocked_until;
  };
  struct KnownAddress {
    std::string client;
    TimePoint last_success;
  };

  void count_failure(Counter& counter, int free, std::chrono::seconds cap, TimePoint now) const;
  bool known(std::string const& email, std::string_view client, TimePoint now) const;
  void prune(TimePoint now);

  static constexpr std::size_t kTableLimit = 100'000;
  static constexpr std::size_t kAddressesPerAccount = 8;

  LoginThrottleSettings settings_;
  SteadyClock now_;
  std::mutex mutex_;
  std::unordered_map<std::string, Counter> per_pair_;     ///< email + '\n' + client
  std::unordered_map<std::string, Counter> per_account_;  ///< email
  std::unordered_map<std::string, std::vector<KnownAddress>> known_;
};

}  // namespace admit
