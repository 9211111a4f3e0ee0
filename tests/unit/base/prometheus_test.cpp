#include "base/prometheus.hpp"

#include <gtest/gtest.h>

#include <string>

namespace admit::prometheus {
namespace {

TEST(PrometheusText, WritesHelpTypeAndSamples) {
  std::string out;
  TextWriter(out)
      .family("jobs_total", "counter", "Jobs run.")
      .sample("jobs_total", {{"queue", "a"}, {"kind", "b"}}, std::uint64_t{7})
      .metric("up", "gauge", "Up or not.", 1.5)
      .metric("busy_seconds_total", "counter", "Time busy.", std::chrono::nanoseconds(1'500'000'001));
  EXPECT_EQ(out,
            "# HELP jobs_total Jobs run.\n"
            "# TYPE jobs_total counter\n"
            "jobs_total{queue=\"a\",kind=\"b\"} 7\n"
            "# HELP up Up or not.\n"
            "# TYPE up gauge\n"
            "up 1.5\n"
            "# HELP busy_seconds_total Time busy.\n"
            "# TYPE busy_seconds_total counter\n"
            "busy_seconds_total 1.500000001\n");
}

TEST(PrometheusText, EscapesLabelValues) {
  std::string out;
  TextWriter(out).sample("requests_total", {{"path", "a\"b\\c\nd"}}, std::uint64_t{1});
  EXPECT_EQ(out, "requests_total{path=\"a\\\"b\\\\c\\nd\"} 1\n");
}

}  // namespace
}  // namespace admit::prometheus
