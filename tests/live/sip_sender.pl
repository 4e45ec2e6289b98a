#!/usr/bin/perl
# sip_sender.pl PORT [OTHER_PORT]: sends a fixed set of SIP messages over UDP
# from 127.0.0.1 to 127.0.0.1:PORT, for the live-capture tests. A socket bound
# to PORT receives them, so the kernel sends no ICMP errors back. With
# OTHER_PORT, one more response goes there (to be left out by --port).
#
# What goes to PORT (tests/live/run.sh checks exactly this):
#   INVITE (branch 1) twice: one retransmission; its 100; 180 twice (one
#   retransmission); a forked 180 (other To tag); 486 with Reason Q.850
#   cause 17; ACK; OPTIONS and its 200; REGISTER and its 401; one RTP-like
#   datagram (not SIP). 13 datagrams: requests INVITE 2, ACK 1, OPTIONS 1,
#   REGISTER 1; responses 100 1, 180 3, 200 1, 401 1, 486 1.
use strict;
use warnings;
use IO::Socket::INET;
use Socket qw(pack_sockaddr_in inet_aton);
use Time::HiRes qw(usleep);

my ($port, $other) = @ARGV;
die "usage: sip_sender.pl PORT [OTHER_PORT]\n" unless $port && $port =~ /^\d+$/;

my $sink = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => $port, Proto => 'udp')
    or die "sip_sender: cannot bind 127.0.0.1:$port: $!\n";
my $out = IO::Socket::INET->new(LocalAddr => '127.0.0.1', Proto => 'udp')
    or die "sip_sender: no socket: $!\n";
my $me = $out->sockport;

sub msg {
    my ($start, $branch, $cseq, $to_tag, @extra) = @_;
    my $to = "<sip:bob\@example.test>" . (defined $to_tag ? ";tag=$to_tag" : "");
    return join("\r\n",
        $start,
        "Via: SIP/2.0/UDP 127.0.0.1:$me;branch=z9hG4bK$branch",
        "From: <sip:alice\@example.test>;tag=a1",
        "To: $to",
        "Call-ID: live-$branch\@127.0.0.1",
        "CSeq: $cseq",
        "Max-Forwards: 70",
        @extra,
        "Content-Length: 0", "", "");
}

my @to_port = (
    msg("INVITE sip:bob\@example.test SIP/2.0", "inv1", "1 INVITE", undef),
    msg("INVITE sip:bob\@example.test SIP/2.0", "inv1", "1 INVITE", undef),
    msg("SIP/2.0 100 Trying", "inv1", "1 INVITE", undef),
    msg("SIP/2.0 180 Ringing", "inv1", "1 INVITE", "b1"),
    msg("SIP/2.0 180 Ringing", "inv1", "1 INVITE", "b1"),
    msg("SIP/2.0 180 Ringing", "inv1", "1 INVITE", "b2"),
    msg("SIP/2.0 486 Busy Here", "inv1", "1 INVITE", "b1", "Reason: Q.850;cause=17"),
    msg("ACK sip:bob\@example.test SIP/2.0", "inv1", "1 ACK", "b1"),
    msg("OPTIONS sip:bob\@example.test SIP/2.0", "opt1", "2 OPTIONS", undef),
    msg("SIP/2.0 200 OK", "opt1", "2 OPTIONS", "o1"),
    msg("REGISTER sip:example.test SIP/2.0", "reg1", "3 REGISTER", undef),
    msg("SIP/2.0 401 Unauthorized", "reg1", "3 REGISTER", "r1",
        'WWW-Authenticate: Digest realm="example.test", nonce="1"'),
    # RTP version 2, payload type 0: not SIP.
    pack("C C n N N", 0x80, 0, 1, 160, 0x12345678) . ("\xff" x 160),
);

my $dest = pack_sockaddr_in($port, inet_aton('127.0.0.1'));
for my $m (@to_port) {
    defined $out->send($m, 0, $dest) or die "sip_sender: send: $!\n";
    usleep(2000);
}
if ($other) {
    my $odest = pack_sockaddr_in($other, inet_aton('127.0.0.1'));
    defined $out->send(msg("SIP/2.0 603 Decline", "x1", "9 INVITE", "x"), 0, $odest)
        or die "sip_sender: send: $!\n";
}
print scalar(@to_port), "\n";
