#!/usr/bin/perl
# A minimal Gigawatt agent in Perl over the JSON-lines protocol (docs/protocol.md), with only the
# core modules: no shell, no packages to install.
#
# Play it:  gigawatt play --agent chn="exec:perl agents/examples/research.pl"
#
# Every month it funds its labs' research with a twentieth of its treasury, split equally.
use strict;
use warnings;
use JSON::PP;

my $json = JSON::PP->new->canonical;
my $research_share = 0.05;    # of the treasury, each month
$| = 1;                       # one line out for each line in, flushed at once

while (my $line = <STDIN>) {
    my $message = $json->decode($line);
    my $type = $message->{type};
    if ($type eq 'hello') {
        die "protocol $message->{protocol} is not the one this agent speaks (1)\n"
          unless $message->{protocol} == 1;
    } elsif ($type eq 'observation') {
        my $obs = $message->{observation};
        my @labs = @{ $obs->{labs} };
        my $money = $obs->{own}{treasury_usd};
        my @orders;
        if (@labs && $money > 0) {
            my $each = $money * $research_share / scalar(@labs);
            push @orders, { FundResearch => { lab => $_->{index}, usd => $each } } for @labs;
        }
        print $json->encode({ type => 'orders', orders => \@orders }), "\n";
    } elsif ($type eq 'outcome') {
        print STDERR "game over: winner ", ($message->{outcome}{winner} // 'none'), "\n";
    }
}
