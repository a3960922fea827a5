#!/usr/bin/perl
# netem-relay: a userspace stand-in for `tc qdisc ... netem` on kernels built without
# sch_netem (CONFIG_NET_SCH_NETEM unset, as on some VM kernels). scripts/simulate runs
# it inside a node's network namespace when the kernel refuses the netem qdisc.
#
#   perl netem-relay.pl --dev bmq0 [--loss 0.1] [--delay-ms 50] [--jitter-ms 0]
#
# It creates the TUN device --dev (IFF_TUN|IFF_NO_PI, so every read is one IPv4
# packet) and prints `ready <dev>` on stdout. scripts/simulate then routes the
# namespace's unicast traffic into the device; this program drops each packet with
# probability --loss, holds the rest for --delay-ms (± a uniform --jitter-ms, which can
# reorder, as netem's jitter does) and writes them back into the device. Policy routing
# (`iif <dev> lookup main`) and accept_local send the re-injected packet out of eth0.
#
# The device is not persistent: when this process exits, the device and every route
# through it disappear, so traffic falls back to the direct path (fail-open).
# Only perl core modules; perl-base is always installed on Debian.
use strict;
use warnings;
use Getopt::Long qw(GetOptions);
use Time::HiRes qw(time);

my $dev = 'bmq0';
my $loss = 0;
my $delay_ms = 0;
my $jitter_ms = 0;
GetOptions(
  'dev=s' => \$dev,
  'loss=f' => \$loss,
  'delay-ms=f' => \$delay_ms,
  'jitter-ms=f' => \$jitter_ms,
) or die "usage: $0 --dev NAME [--loss 0..1] [--delay-ms MS] [--jitter-ms MS]\n";

die "netem-relay: --dev must be 1..15 characters of [A-Za-z0-9_.-], got '$dev'\n" unless $dev =~ /^[A-Za-z0-9_.-]{1,15}$/;
die "netem-relay: --loss must be from 0 to 1, got $loss\n" unless $loss >= 0 && $loss <= 1;
die "netem-relay: --delay-ms must be from 0 to 60000, got $delay_ms\n" unless $delay_ms >= 0 && $delay_ms <= 60000;
die "netem-relay: --jitter-ms must be from 0 to --delay-ms, got $jitter_ms\n" unless $jitter_ms >= 0 && $jitter_ms <= $delay_ms;

# <linux/if_tun.h>: TUNSETIFF = _IOW('T', 202, int); struct ifreq is 40 bytes.
my $TUNSETIFF = 0x400454ca;
my $IFF_TUN = 0x0001;
my $IFF_NO_PI = 0x1000;

open(my $tun, '+<', '/dev/net/tun') or die "netem-relay: cannot open /dev/net/tun: $!\n";
binmode $tun;
my $ifr = pack('a16 s x22', $dev, $IFF_TUN | $IFF_NO_PI);
ioctl($tun, $TUNSETIFF, $ifr) or die "netem-relay: TUNSETIFF $dev failed: $!\n";

$| = 1;
print "ready $dev\n";

my ($received, $dropped, $sent) = (0, 0, 0);
my $report = sub { printf STDERR "netem-relay: %s received=%d dropped=%d sent=%d\n", $dev, $received, $dropped, $sent };
$SIG{TERM} = $SIG{INT} = sub { $report->(); exit 0 };
$SIG{USR1} = $report;

# Pending packets as [due time (s), bytes], kept sorted by due time.
my @queue;
my $rin = '';
vec($rin, fileno($tun), 1) = 1;

while (1) {
  my $now = time;
  while (@queue && $queue[0][0] <= $now) {
    my $item = shift @queue;
    # A write can fail if the stack rejects the packet; that is a loss, as on a wire.
    $sent++ if defined syswrite($tun, $item->[1]);
  }
  my $timeout = @queue ? $queue[0][0] - $now : undef;
  $timeout = 0 if defined $timeout && $timeout < 0;
  my $ready = select(my $rout = $rin, undef, undef, $timeout);
  next if $ready <= 0;    # timeout, or EINTR from a signal
  my $n = sysread($tun, my $packet, 65536);
  die "netem-relay: read from $dev failed: $!\n" unless defined $n;
  next if $n == 0;
  $received++;
  if ($loss > 0 && rand() < $loss) {
    $dropped++;
    next;
  }
  my $hold = $delay_ms + ($jitter_ms > 0 ? (2 * rand() - 1) * $jitter_ms : 0);
  my $due = time + $hold / 1000;
  # Insert in due order; the tail is the common case (constant delay keeps FIFO order).
  my $i = scalar @queue;
  $i-- while $i > 0 && $queue[$i - 1][0] > $due;
  splice(@queue, $i, 0, [$due, $packet]);
}
