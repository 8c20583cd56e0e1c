// The usage texts ip 6.1 prints after a word a link kind does not take (the
// explain() of ip/iplink_bridge.c, iplink_macvlan.c and iplink_vxlan.c), as
// ip prints them: they name no program, so nlkit prints the same lines.

export const BRIDGE_USAGE =
  'Usage: ... bridge [ fdb_flush ]\n' +
  '\t\t  [ forward_delay FORWARD_DELAY ]\n' +
  '\t\t  [ hello_time HELLO_TIME ]\n' +
  '\t\t  [ max_age MAX_AGE ]\n' +
  '\t\t  [ ageing_time AGEING_TIME ]\n' +
  '\t\t  [ stp_state STP_STATE ]\n' +
  '\t\t  [ priority PRIORITY ]\n' +
  '\t\t  [ group_fwd_mask MASK ]\n' +
  '\t\t  [ group_address ADDRESS ]\n' +
  '\t\t  [ no_linklocal_learn NO_LINKLOCAL_LEARN ]\n' +
  '\t\t  [ vlan_filtering VLAN_FILTERING ]\n' +
  '\t\t  [ vlan_protocol VLAN_PROTOCOL ]\n' +
  '\t\t  [ vlan_default_pvid VLAN_DEFAULT_PVID ]\n' +
  '\t\t  [ vlan_stats_enabled VLAN_STATS_ENABLED ]\n' +
  '\t\t  [ vlan_stats_per_port VLAN_STATS_PER_PORT ]\n' +
  '\t\t  [ mcast_snooping MULTICAST_SNOOPING ]\n' +
  '\t\t  [ mcast_vlan_snooping MULTICAST_VLAN_SNOOPING ]\n' +
  '\t\t  [ mcast_router MULTICAST_ROUTER ]\n' +
  '\t\t  [ mcast_query_use_ifaddr MCAST_QUERY_USE_IFADDR ]\n' +
  '\t\t  [ mcast_querier MULTICAST_QUERIER ]\n' +
  '\t\t  [ mcast_hash_elasticity HASH_ELASTICITY ]\n' +
  '\t\t  [ mcast_hash_max HASH_MAX ]\n' +
  '\t\t  [ mcast_last_member_count LAST_MEMBER_COUNT ]\n' +
  '\t\t  [ mcast_startup_query_count STARTUP_QUERY_COUNT ]\n' +
  '\t\t  [ mcast_last_member_interval LAST_MEMBER_INTERVAL ]\n' +
  '\t\t  [ mcast_membership_interval MEMBERSHIP_INTERVAL ]\n' +
  '\t\t  [ mcast_querier_interval QUERIER_INTERVAL ]\n' +
  '\t\t  [ mcast_query_interval QUERY_INTERVAL ]\n' +
  '\t\t  [ mcast_query_response_interval QUERY_RESPONSE_INTERVAL ]\n' +
  '\t\t  [ mcast_startup_query_interval STARTUP_QUERY_INTERVAL ]\n' +
  '\t\t  [ mcast_stats_enabled MCAST_STATS_ENABLED ]\n' +
  '\t\t  [ mcast_igmp_version IGMP_VERSION ]\n' +
  '\t\t  [ mcast_mld_version MLD_VERSION ]\n' +
  '\t\t  [ nf_call_iptables NF_CALL_IPTABLES ]\n' +
  '\t\t  [ nf_call_ip6tables NF_CALL_IP6TABLES ]\n' +
  '\t\t  [ nf_call_arptables NF_CALL_ARPTABLES ]\n' +
  '\n' +
  'Where: VLAN_PROTOCOL := { 802.1Q | 802.1ad }';

export const MACVLAN_USAGE =
  'Usage: ... macvlan mode MODE [flag MODE_FLAG] MODE_OPTS [bcqueuelen BC_QUEUE_LEN]\n' +
  '\n' +
  'MODE: private | vepa | bridge | passthru | source\n' +
  'MODE_FLAG: null | nopromisc | nodst\n' +
  'MODE_OPTS: for mode "source":\n' +
  '\tmacaddr { { add | del } <macaddr> | set [ <macaddr> [ <macaddr>  ... ] ] | flush }\n' +
  'BC_QUEUE_LEN: Length of the rx queue for broadcast/multicast: [0-4294967295]';

export const VXLAN_USAGE =
  'Usage: ... vxlan id VNI\n' +
  '\t\t[ { group | remote } IP_ADDRESS ]\n' +
  '\t\t[ local ADDR ]\n' +
  '\t\t[ ttl TTL ]\n' +
  '\t\t[ tos TOS ]\n' +
  '\t\t[ df DF ]\n' +
  '\t\t[ flowlabel LABEL ]\n' +
  '\t\t[ dev PHYS_DEV ]\n' +
  '\t\t[ dstport PORT ]\n' +
  '\t\t[ srcport MIN MAX ]\n' +
  '\t\t[ [no]learning ]\n' +
  '\t\t[ [no]proxy ]\n' +
  '\t\t[ [no]rsc ]\n' +
  '\t\t[ [no]l2miss ]\n' +
  '\t\t[ [no]l3miss ]\n' +
  '\t\t[ ageing SECONDS ]\n' +
  '\t\t[ maxaddress NUMBER ]\n' +
  '\t\t[ [no]udpcsum ]\n' +
  '\t\t[ [no]udp6zerocsumtx ]\n' +
  '\t\t[ [no]udp6zerocsumrx ]\n' +
  '\t\t[ [no]remcsumtx ] [ [no]remcsumrx ]\n' +
  '\t\t[ [no]external ] [ gbp ] [ gpe ]\n' +
  '\t\t[ [no]vnifilter ]\n' +
  '\n' +
  'Where:\tVNI\t:= 0-16777215\n' +
  '\tADDR\t:= { IP_ADDRESS | any }\n' +
  '\tTOS\t:= { NUMBER | inherit }\n' +
  '\tTTL\t:= { 1..255 | auto | inherit }\n' +
  '\tDF\t:= { unset | set | inherit }\n' +
  '\tLABEL := 0-1048575';
