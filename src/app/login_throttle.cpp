#include "app/login_throttle.hpp"

#include <algorithm>

namespace admit {
namespace {

std::string pair_key(std::string_view email, std::string_view client) {
  std::string key;
  key.reserve(email.size() + 1 + client.size());
  key.append(email).push_back('\n');
  key.append(client);
  return key;
}

std::chrono::seconds wait_until(std::chrono::steady_clock::time_point until,
                                std::chrono::steady_clock::time_point now) {
  // Rounded up, so a client that waits exactly Retry-After seconds is never refused again.
  auto const left = std::chrono::ceil<std::chrono::seconds>(until - now);
  return std::max(left, std::chrono::seconds{1});
}

}  // namespace

LoginThrottle::LoginThrottle(LoginThrottleSettings settings, SteadyClock now)
    : settings_(settings), now_(std::move(now)) {}

std::chrono::seconds LoginThrottle::delay_after(std::int64_t failures, int free, std::chrono::seconds cap) {
  if (free <= 0 || failures < free) return std::chrono::seconds{0};
  auto const doublings = failures - free;
  // 2^doublings seconds without overflow: past 2^30 every cap in use is reached anyway.
  if (doublings >= 30) return cap;
  return std::min(cap, std::chrono::seconds{std::int64_t{1} << doublings});
}

void LoginThrottle::count_failure(Counter& counter, int free, std::chrono::seconds cap, TimePoint now) const {
  if (counter.failures > 0 && now - counter.last_failure > settings_.forget_after) counter = Counter{};
  counter.failures += 1;
  counter.last_failure = now;
  if (auto const delay = delay_after(counter.failures, free, cap); delay.count() > 0)
    counter.blocked_until = now + delay;
}

bool LoginThrottle::known(std::string const& email, std::string_view client, TimePoint now) const {
  auto const found = known_.find(email);
  if (found == known_.end()) return false;
  return std::any_of(found->second.begin(), found->second.end(), [&](KnownAddress const& a) {
    return a.client == client && now - a.last_success < settings_.remember_address;
  });
}

std::optional<std::chrono::seconds> LoginThrottle::begin(std::string_view email_view, std::string_view client) {
  if (!enabled()) return std::nullopt;
  auto const now = now_();
  std::string const email(email_view);
  auto const key = pair_key(email, client);
  std::lock_guard const lock(mutex_);
  if (per_pair_.size() >= kTableLimit || per_account_.size() >= kTableLimit || known_.size() >= kTableLimit) {
    prune(now);
  }

  bool const exempt = known(email, client, now);
  std::optional<std::chrono::seconds> wait;
  if (settings_.free_per_address > 0) {
    if (auto const found = per_pair_.find(key); found != per_pair_.end() && now < found->second.blocked_until) {
      wait = wait_until(found->second.blocked_until, now);
    }
  }
  if (settings_.free_per_account > 0 && !exempt) {
    if (auto const found = per_account_.find(email); found != per_account_.end() && now < found->second.blocked_until) {
      wait = std::max(wait.value_or(std::chrono::seconds{0}), wait_until(found->second.blocked_until, now));
    }
  }
  if (wait) return wait;

  if (settings_.free_per_address > 0) {
    count_failure(per_pair_[key], settings_.free_per_address, settings_.max_delay_per_address, now);
  }
  // Failures from an exempt address count too: an owner's own typos still slow strangers down.
  if (settings_.free_per_account > 0) {
    count_failure(per_account_[email], settings_.free_per_account, settings_.max_delay_per_account, now);
  }
  return std::nullopt;
}

void LoginThrottle::succeeded(std::string_view email_view, std::string_view client) {
  if (!enabled()) return;
  auto const now = now_();
  std::string const email(email_view);
  std::lock_guard const lock(mutex_);
  per_pair_.erase(pair_key(email, client));
  // Only this attempt is taken back: strangers' failures on the account still stand, and the
  // owner's address is now exempt from them.
  if (auto const found = per_account_.find(email); found != per_account_.end() && found->second.failures > 0) {
    found->second.failures -= 1;
  }
  auto& addresses = known_[email];
  auto const same =
      std::find_if(addresses.begin(), addresses.end(), [&](KnownAddress const& a) { return a.client == client; });
  if (same != addresses.end()) {
    same->last_success = now;
    return;
  }
  if (addresses.size() >= kAddressesPerAccount) {
    addresses.erase(std::min_element(addresses.begin(), addresses.end(),
                                     [](auto const& a, auto const& b) { return a.last_success < b.last_success; }));
  }
  addresses.push_back({std::string(client), now});
}

void LoginThrottle::prune(TimePoint now) {
  // First what has expired anyway; then, if an attacker filled the tables with fresh keys,
  // the counters that are not holding anybody back (those below their free failures), so the
  // counters of accounts under attack survive the flood.
  auto const stale = [&](auto const& entry) {
    return now - entry.second.last_failure > settings_.forget_after && now >= entry.second.blocked_until;
  };
  std::erase_if(per_pair_, stale);
  std::erase_if(per_account_, stale);
  for (auto it = known_.begin(); it != known_.end();) {
    std::erase_if(it->second,
                  [&](KnownAddress const& a) { return now - a.last_success >= settings_.remember_address; });
    it = it->second.empty() ? known_.erase(it) : std::next(it);
  }
  if (per_pair_.size() >= kTableLimit) {
    std::erase_if(per_pair_, [&](auto const& e) { return e.second.failures < settings_.free_per_address; });
  }
  if (per_account_.size() >= kTableLimit) {
    std::erase_if(per_account_, [&](auto const& e) { return e.second.failures < settings_.free_per_account; });
  }
  // Still full (every entry holds someone back): start over rather than grow without bound.
  if (per_pair_.size() >= kTableLimit) per_pair_.clear();
  if (per_account_.size() >= kTableLimit) per_account_.clear();
  if (known_.size() >= kTableLimit) known_.clear();
}

}  // namespace admit
