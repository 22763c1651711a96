// The error replies that clients parse, byte for byte as Redis 7.0 sends them, without the leading '-'.
// Pass them to ReplyBuilder::Error (or Status::Error on the data path). Every client-visible error text
// lives here, in one of the groups below; the functions build the texts that carry an argument.
// The tests in tests/node/errors_test.cc walk kAll and check that it names every constant: add new ones there.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace rcs::err {

// ---- Arguments and values (any family) ----
inline constexpr std::string_view kSyntax = "ERR syntax error";
inline constexpr std::string_view kWrongType = "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr std::string_view kNotInteger = "ERR value is not an integer or out of range";
inline constexpr std::string_view kNotFloat = "ERR value is not a valid float";
inline constexpr std::string_view kOverflow = "ERR increment or decrement would overflow";
inline constexpr std::string_view kDecrOverflow = "ERR decrement would overflow";
inline constexpr std::string_view kIncrFloatNaN = "ERR increment would produce NaN or Infinity";
inline constexpr std::string_view kValueNaNOrInf = "ERR value is NaN or Infinity";
inline constexpr std::string_view kValueOutOfRange = "ERR value is out of range";
// Also LPOS RANK -9223372036854775808 (Redis 7.2+: getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX)).
inline constexpr std::string_view kCountOutOfRange =
    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";
inline constexpr std::string_view kNoSuchKey = "ERR no such key";
inline constexpr std::string_view kIndexOutOfRange = "ERR index out of range";
inline constexpr std::string_view kOffsetOutOfRange = "ERR offset is out of range";
inline constexpr std::string_view kOutOfRangePositive = "ERR value is out of range, must be positive";
// REPLCONF rdb-only takes 0 or 1 (redis-server's getRangeLongFromObjectOrReply wording).
inline constexpr std::string_view kZeroOrOne = "ERR value is out of range, value must between 0 and 1";
inline constexpr std::string_view kMinMaxNotFloat = "ERR min or max is not a float";
inline constexpr std::string_view kMinMaxNotLex = "ERR min or max not valid string range item";
inline constexpr std::string_view kTimeoutNotFloat = "ERR timeout is not a float or out of range";
inline constexpr std::string_view kTimeoutNotInteger = "ERR timeout is not an integer or out of range";
inline constexpr std::string_view kTimeoutNegative = "ERR timeout is negative";
inline constexpr std::string_view kNumkeysPositive = "ERR numkeys should be greater than 0";
inline constexpr std::string_view kTooManyKeys = "ERR Number of keys can't be greater than number of args";
inline constexpr std::string_view kLimitNegative = "ERR LIMIT can't be negative";
inline constexpr std::string_view kCountNegative = "ERR COUNT can't be negative";
inline constexpr std::string_view kCountPositive = "ERR count should be greater than 0";
inline constexpr std::string_view kInvalidCursor = "ERR invalid cursor";
inline constexpr std::string_view kStringTooLong = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";

// ---- Strings ----
inline constexpr std::string_view kLcsNotStrings = "ERR The specified keys must contain string values";
inline constexpr std::string_view kLcsLenAndIdx = "ERR If you want both the length and indexes, please just use IDX.";
inline constexpr std::string_view kLcsTooLong = "ERR String too long for LCS";
inline constexpr std::string_view kLcsMemory =
    "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len";

// ---- Bitmaps and HyperLogLog ----
inline constexpr std::string_view kBitOffset = "ERR bit offset is not an integer or out of range";
inline constexpr std::string_view kBitValue = "ERR bit is not an integer or out of range";
inline constexpr std::string_view kBitposBit = "ERR The bit argument must be 1 or 0.";
inline constexpr std::string_view kBitopNot = "ERR BITOP NOT must be called with a single source key.";
inline constexpr std::string_view kBitfieldType =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";
inline constexpr std::string_view kBitfieldOverflow = "ERR Invalid OVERFLOW type specified";
inline constexpr std::string_view kBitfieldRo = "ERR BITFIELD_RO only supports the GET subcommand";
inline constexpr std::string_view kHllWrongType = "WRONGTYPE Key is not a valid HyperLogLog string value.";
inline constexpr std::string_view kHllInvalid = "INVALIDOBJ Corrupted HLL object detected";
inline constexpr std::string_view kHllNotSparse = "ERR HLL encoding is not sparse";
inline constexpr std::string_view kPfdebugNoKey = "ERR The specified key does not exist";

// ---- Stream consumer groups (XGROUP, XREADGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM, XINFO GROUPS/CONSUMERS) ----
inline constexpr std::string_view kXgroupKeyMissing =
    "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM "
    "option to create an empty stream automatically.";
inline constexpr std::string_view kBusyGroup = "BUSYGROUP Consumer Group name already exists";
inline constexpr std::string_view kEntriesReadRange = "ERR value for ENTRIESREAD must be positive or -1";
inline constexpr std::string_view kXreadgroupMissingGroup = "ERR Missing GROUP option for XREADGROUP";
inline constexpr std::string_view kXreadgroupDollar =
    "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by "
    "specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.";
// A blocked XREADGROUP whose group was destroyed, or whose key was deleted (or overwritten by another type).
inline constexpr std::string_view kBlockedGroupGone =
    "NOGROUP the consumer group this client was blocked on no longer exists";
inline constexpr std::string_view kBlockedStreamGone = "UNBLOCKED the stream key no longer exists";
// Every blocked client when the node becomes a replica (disconnectAllBlockedClients), then closed.
inline constexpr std::string_view kUnblockedStateChanged =
    "UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)";
inline constexpr std::string_view kXclaimMinIdle = "ERR Invalid min-idle-time argument for XCLAIM";
inline constexpr std::string_view kXclaimIdle = "ERR Invalid IDLE option argument for XCLAIM";
inline constexpr std::string_view kXclaimTime = "ERR Invalid TIME option argument for XCLAIM";
inline constexpr std::string_view kXclaimRetryCount = "ERR Invalid RETRYCOUNT option argument for XCLAIM";
inline constexpr std::string_view kXautoclaimMinIdle = "ERR Invalid min-idle-time argument for XAUTOCLAIM";
// XAUTOCLAIM and GEOSEARCH/GEORADIUS COUNT below 1.
inline constexpr std::string_view kCountAtLeastOne = "ERR COUNT must be > 0";

// ---- Hashes ----
inline constexpr std::string_view kHashValueNotInteger = "ERR hash value is not an integer";
inline constexpr std::string_view kHashValueNotFloat = "ERR hash value is not a float";

// ---- Lists ----
inline constexpr std::string_view kRankZero =
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to "
    "start from the end of the list";
inline constexpr std::string_view kMaxlenNegative = "ERR MAXLEN can't be negative";

// ---- Sorted sets ----
inline constexpr std::string_view kZaddXxNx = "ERR XX and NX options at the same time are not compatible";
inline constexpr std::string_view kZaddGtLtNx = "ERR GT, LT, and/or NX options at the same time are not compatible";
inline constexpr std::string_view kZaddIncrPair = "ERR INCR option supports a single increment-element pair";
inline constexpr std::string_view kScoreNaN = "ERR resulting score is not a number (NaN)";
inline constexpr std::string_view kLimitNeedsBy =
    "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX";
inline constexpr std::string_view kWithscoresBylex = "ERR syntax error, WITHSCORES not supported in combination with BYLEX";
inline constexpr std::string_view kWeightNotFloat = "ERR weight value is not a float";

// ---- Geo (geo.c) and SORT (sort.c) ----
inline constexpr std::string_view kGeoUnit = "ERR unsupported unit provided. please use M, KM, FT, MI";
inline constexpr std::string_view kGeoNeedRadius = "ERR need numeric radius";
inline constexpr std::string_view kGeoRadiusNegative = "ERR radius cannot be negative";
inline constexpr std::string_view kGeoNeedWidth = "ERR need numeric width";
inline constexpr std::string_view kGeoNeedHeight = "ERR need numeric height";
inline constexpr std::string_view kGeoBoxNegative = "ERR height or width cannot be negative";
inline constexpr std::string_view kGeoNoMember = "ERR could not decode requested zset member";
inline constexpr std::string_view kGeoAnyNeedsCount = "ERR the ANY argument requires COUNT argument";
inline constexpr std::string_view kSortByCluster = "ERR BY option of SORT denied in Cluster mode.";
inline constexpr std::string_view kSortByAcl = "ERR BY option of SORT denied due to insufficient ACL permissions.";
inline constexpr std::string_view kSortGetCluster = "ERR GET option of SORT denied in Cluster mode.";
inline constexpr std::string_view kSortGetAcl = "ERR GET option of SORT denied due to insufficient ACL permissions.";
inline constexpr std::string_view kSortNotDouble = "ERR One or more scores can't be converted into double";
// "invalid longitude,latitude pair %f,%f" (printf's %f of the parsed values).
std::string GeoInvalidPair(double longitude, double latitude);
// "<what> is not compatible with WITHDIST, WITHHASH and WITHCOORD options".
std::string GeoStoreNotCompatible(bool geosearchstore);
// "exactly one of FROMMEMBER or FROMLONLAT can be specified for <command as sent>" (from = true), or the
// BYRADIUS/BYBOX one.
std::string GeoExactlyOne(bool from, std::string_view command);

// ---- Keys, expiry, OBJECT, COPY, DUMP/RESTORE ----
inline constexpr std::string_view kExpireNxWithOthers = "ERR NX and XX, GT or LT options at the same time are not compatible";
inline constexpr std::string_view kExpireGtAndLt = "ERR GT and LT options at the same time are not compatible";
inline constexpr std::string_view kInvalidTtl = "ERR Invalid TTL value, must be >= 0";
inline constexpr std::string_view kInvalidIdletime = "ERR Invalid IDLETIME value, must be >= 0";
inline constexpr std::string_view kInvalidFreq = "ERR Invalid FREQ value, must be >= 0 and <= 255";
inline constexpr std::string_view kSameObject = "ERR source and destination objects are the same";
inline constexpr std::string_view kCopyDbCluster = "ERR Copying to another database is not allowed in cluster mode";
inline constexpr std::string_view kNoLfu =
    "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when "
    "switching between policies at runtime LRU and LFU data will take some time to adjust.";
inline constexpr std::string_view kLfuNoIdle =
    "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching "
    "between policies at runtime LRU and LFU data will take some time to adjust.";
inline constexpr std::string_view kBusyKey = "BUSYKEY Target key name already exists.";
inline constexpr std::string_view kBadDumpPayload = "ERR DUMP payload version or checksum are wrong";
// A DUMP payload (or a keyspace record) whose checksum is fine but whose type or body cannot be decoded.
inline constexpr std::string_view kBadDataFormat = "ERR Bad data format";

// ---- Connection, auth, dispatcher ----
inline constexpr std::string_view kNoAuth = "NOAUTH Authentication required.";
inline constexpr std::string_view kWrongPass = "WRONGPASS invalid username-password pair or user is disabled.";
inline constexpr std::string_view kAuthNotConfigured =
    "ERR AUTH <password> called without any password configured for the default user. Are you sure your "
    "configuration is correct?";
inline constexpr std::string_view kHelloNoAuth =
    "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH "
    "<user> <pass> option can be used to authenticate the client and select the RESP protocol version at "
    "the same time";
// ACL: what a user may not do (the dispatcher, EXEC, scripts) and the ACL command's own errors.
inline constexpr std::string_view kNoPermKey =
    "NOPERM this user has no permissions to access one of the keys used as arguments";
inline constexpr std::string_view kNoPermChannel =
    "NOPERM this user has no permissions to access one of the channels used as arguments";
inline constexpr std::string_view kScriptAclCommand =
    "ERR The user executing the script can't run this command or subcommand";
inline constexpr std::string_view kScriptAclKey =
    "ERR The user executing the script can't access at least one of the keys mentioned in the command arguments";
inline constexpr std::string_view kScriptAclChannel =
    "ERR The user executing the script can't publish to the channel mentioned in the command";
inline constexpr std::string_view kAclDefaultUserDelete = "ERR The 'default' user cannot be removed";
inline constexpr std::string_view kAclUsernameSpaces = "ERR Usernames can't contain spaces or null characters";
inline constexpr std::string_view kAclGenpassRange = "ERR ACL GENPASS argument must be the number of bits for the "
                                                     "output password, a positive number up to 4096";
inline constexpr std::string_view kAclSaveFailed =
    "ERR There was an error trying to save the ACLs. Please check the server logs for more information";
inline constexpr std::string_view kAclNoFile =
    "ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL "
    "SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order "
    "to store users in the Redis configuration.";
inline constexpr std::string_view kProtoVersionNotInteger = "ERR Protocol version is not an integer or out of range";
inline constexpr std::string_view kNoProto = "NOPROTO unsupported protocol version";
inline constexpr std::string_view kReadOnlyReplica = "READONLY You can't write against a read only replica.";
inline constexpr std::string_view kOom = "OOM command not allowed when used memory > 'maxmemory'.";
inline constexpr std::string_view kLoading = "LOADING Redis is loading the dataset in memory";
inline constexpr std::string_view kMasterDown =
    "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";
inline constexpr std::string_view kMaxClients = "ERR max number of clients reached";
inline constexpr std::string_view kDbIndexOutOfRange = "ERR DB index is out of range";
inline constexpr std::string_view kSelectClusterMode = "ERR SELECT is not allowed in cluster mode";
inline constexpr std::string_view kMoveClusterMode = "ERR MOVE is not allowed in cluster mode";
inline constexpr std::string_view kSwapdbClusterMode = "ERR SWAPDB is not allowed in cluster mode";
inline constexpr std::string_view kSwapdbFirstIndex = "ERR invalid first DB index";
inline constexpr std::string_view kSwapdbSecondIndex = "ERR invalid second DB index";
// A database index beyond int (redis-server's getIntFromObjectOrReply).
inline constexpr std::string_view kIntOutOfRange =
    "ERR value is out of range, value must between -2147483648 and 2147483647";

// ---- RESP protocol (the connection is closed after these) ----
inline constexpr std::string_view kProtoBigMbulkCount = "ERR Protocol error: too big mbulk count string";
inline constexpr std::string_view kProtoBadMbulkLen = "ERR Protocol error: invalid multibulk length";
inline constexpr std::string_view kProtoBigBulkCount = "ERR Protocol error: too big bulk count string";
inline constexpr std::string_view kProtoBadBulkLen = "ERR Protocol error: invalid bulk length";
inline constexpr std::string_view kProtoBigInline = "ERR Protocol error: too big inline request";
inline constexpr std::string_view kProtoUnbalancedQuotes = "ERR Protocol error: unbalanced quotes in request";
// "ERR Protocol error: expected '$', got 'x'"
std::string ProtoExpectedDollar(char got);

// ---- MULTI/EXEC ----
inline constexpr std::string_view kExecAbort = "EXECABORT Transaction discarded because of previous errors.";
inline constexpr std::string_view kMultiNested = "ERR MULTI calls can not be nested";
inline constexpr std::string_view kExecWithoutMulti = "ERR EXEC without MULTI";
inline constexpr std::string_view kDiscardWithoutMulti = "ERR DISCARD without MULTI";
inline constexpr std::string_view kWatchInMulti = "ERR WATCH inside MULTI is not allowed";

// ---- CLIENT, CONFIG, SLOWLOG, SHUTDOWN, COMMAND ----
inline constexpr std::string_view kBadClientName =
    "ERR Client names cannot contain spaces, newlines or special characters.";
inline constexpr std::string_view kInvalidClientId = "ERR Invalid client ID";
inline constexpr std::string_view kClientIdNotPositive = "ERR client-id should be greater than 0";
inline constexpr std::string_view kNoSuchClient = "ERR No such client";
// MONITOR, CLIENT PAUSE / UNBLOCK (server/monitor.cc), as redis-server 7.0 words them.
inline constexpr std::string_view kMonitorDenyBlocking = "ERR MONITOR isn't allowed for DENY BLOCKING client";
inline constexpr std::string_view kClientPauseMode = "ERR CLIENT PAUSE mode must be WRITE or ALL";
inline constexpr std::string_view kClientUnblockReason = "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR";
inline constexpr std::string_view kUnblockedByCommand = "UNBLOCKED client unblocked via CLIENT UNBLOCK";
// CLIENT TRACKING / CACHING (client-side caching, server/tracking.h).
inline constexpr std::string_view kTrackingOneRedirect = "ERR A client can only redirect to a single other client";
inline constexpr std::string_view kTrackingNoRedirectClient = "ERR The client ID you want redirect to does not exist";
inline constexpr std::string_view kTrackingPrefixNeedsBcast = "ERR PREFIX option requires BCAST mode to be enabled";
inline constexpr std::string_view kTrackingBcastSwitch =
    "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it "
    "with a different mode.";
inline constexpr std::string_view kTrackingOptBcast = "ERR OPTIN and OPTOUT are not compatible with BCAST";
inline constexpr std::string_view kTrackingOptinOptout = "ERR You can't specify both OPTIN mode and OPTOUT mode";
inline constexpr std::string_view kTrackingOptSwitch =
    "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it "
    "with a different mode.";
inline constexpr std::string_view kCachingNotTracking =
    "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled";
inline constexpr std::string_view kCachingYesNeedsOptin =
    "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.";
inline constexpr std::string_view kCachingNoNeedsOptout =
    "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.";
inline constexpr std::string_view kNoShutdown = "ERR No shutdown in progress.";
inline constexpr std::string_view kSlowlogCount = "ERR count should be greater than or equal to -1";
inline constexpr std::string_view kNoConfigFile = "ERR The server is running without a config file";
// Followed by strerror() of the failed read or write, as redis-server's CONFIG REWRITE.
inline constexpr std::string_view kConfigRewriteFailed = "ERR Rewriting config file: ";
inline constexpr std::string_view kInvalidCommand = "ERR Invalid command specified";
inline constexpr std::string_view kGetKeysArity = "ERR Invalid number of arguments specified for command";
inline constexpr std::string_view kGetKeysBadArgs = "ERR Invalid arguments specified for command";
inline constexpr std::string_view kGetKeysNoKeys = "ERR The command has no key arguments";
// "ERR Syntax error in HELLO option 'x'"
std::string HelloBadOption(std::string_view option);
// CLIENT TRACKING ... BCAST PREFIX: a new prefix that overlaps with one the client has (`existing`) or with
// another new one; the prefixes are cut at a NUL byte, as redis-server prints them with %s.
std::string TrackingPrefixOverlap(std::string_view prefix, std::string_view other, bool existing);
// "ERR LIB-NAME cannot contain spaces, newlines or special characters." (CLIENT SETINFO)
std::string BadClientAttr(std::string_view attr);
// "ERR Unrecognized option 'x'"
std::string UnrecognizedOption(std::string_view option);
// "ERR Unknown client type 'x'"
std::string UnknownClientType(std::string_view type);
// "ERR No such user 'x'"
std::string NoSuchUser(std::string_view user);
// "ERR Unsupported option x" (EXPIRE and friends)
std::string UnsupportedOption(std::string_view option);
// "ERR at least 1 input key is needed for 'zunionstore' command"
std::string AtLeastOneKey(std::string_view command);

// CONFIG SET: "ERR Unknown option or number of arguments for CONFIG SET - 'x'" and
// "ERR CONFIG SET failed (possibly related to argument 'x') - <reason>" with one of the reasons below.
std::string UnknownConfigOption(std::string_view name);
std::string ConfigSetFailed(std::string_view name, std::string_view reason);
namespace config_reason {
inline constexpr std::string_view kImmutable = "can't set immutable config";
inline constexpr std::string_view kDuplicate = "duplicate parameter";
inline constexpr std::string_view kWrongArgCount = "wrong number of arguments";
inline constexpr std::string_view kNotBool = "argument must be 'yes' or 'no'";
inline constexpr std::string_view kNotInteger = "argument couldn't be parsed into an integer";
inline constexpr std::string_view kNotMemory = "argument must be a memory value";
inline constexpr std::string_view kTooManyBind = "Too many bind addresses specified.";
inline constexpr std::string_view kNotMemoryOrPercent = "argument must be a memory or percent value";
inline constexpr std::string_view kNotOctal = "argument couldn't be parsed as an octal number";
inline constexpr std::string_view kPercentOver100 = "percentage argument must be less or equal to 100";
inline constexpr std::string_view kSaveAndNosave =
    "shutdown options SAVE and NOSAVE can't be used simultaneously";
inline constexpr std::string_view kBadSave = "Invalid save parameters";
inline constexpr std::string_view kBufferLimitArgs = "Wrong number of arguments in buffer limit configuration.";
inline constexpr std::string_view kBufferLimitClass = "Invalid client class specified in buffer limit configuration.";
inline constexpr std::string_view kBufferLimitValue =
    "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
inline constexpr std::string_view kOomScoreRange =
    "Invalid oom-score-adj-values, elements must be between -2000 and 2000.";
inline constexpr std::string_view kBadEventClass = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
inline constexpr std::string_view kBadPercentiles = "Invalid latency-tracking-info-percentiles parameters";
inline constexpr std::string_view kPercentilesRange =
    "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]";
inline constexpr std::string_view kNoSuchRename = "No such command in rename-command";
inline constexpr std::string_view kRenameTargetExists = "Target command name already exists";
inline constexpr std::string_view kBadDirective = "Bad directive or wrong number of arguments";
// Directives of redis.conf this node refuses instead of ignoring, because ignoring them would leave the
// node less protected or reachable differently than the file says.
inline constexpr std::string_view kNoModules = "modules are not supported by this node";
inline constexpr std::string_view kNoTls = "TLS is not supported by this node (tls-port must be 0)";
inline constexpr std::string_view kBadMasterPort = "Invalid master port";
inline constexpr std::string_view kUnsupported = "unsupported";
// "argument must be between 1 and 2147483647 inclusive"
std::string OutOfBounds(int64_t min, int64_t max);
// "argument(s) must be one of the following: a, b, c"
std::string NotOneOf(std::string_view list);
}  // namespace config_reason

// ---- Replication ----
inline constexpr std::string_view kReplicaOfClusterMode = "ERR REPLICAOF not allowed in cluster mode.";
inline constexpr std::string_view kInvalidMasterPort = "ERR Invalid master port";
inline constexpr std::string_view kReplicaKeyspace = "ERR Replica can't interact with the keyspace";
inline constexpr std::string_view kNoMasterLink = "NOMASTERLINK Can't SYNC while not connected with my master";
inline constexpr std::string_view kWaitOnReplica =
    "ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is "
    "configured to be writable (which is not the default) writes to replicas are just local and are not "
    "propagated.";
// "ERR Unrecognized REPLCONF option: x"
std::string UnrecognizedReplconf(std::string_view option);
// FAILOVER (standalone), PSYNC ... FAILOVER and what a failover in progress refuses (redis-server 7.0.15's texts).
inline constexpr std::string_view kFailoverClusterMode =
    "ERR FAILOVER not allowed in cluster mode. Use CLUSTER FAILOVER command instead.";
inline constexpr std::string_view kNoFailoverInProgress = "ERR No failover in progress.";
inline constexpr std::string_view kFailoverTimeoutPositive = "ERR FAILOVER timeout must be greater than 0";
inline constexpr std::string_view kFailoverInProgress = "ERR FAILOVER already in progress.";
inline constexpr std::string_view kFailoverOnReplica = "ERR FAILOVER is not valid when server is a replica.";
inline constexpr std::string_view kFailoverNoReplicas = "ERR FAILOVER requires connected replicas.";
inline constexpr std::string_view kFailoverForceArgs =
    "ERR FAILOVER with force option requires both a timeout and target HOST and IP.";
inline constexpr std::string_view kFailoverTargetNotReplica = "ERR FAILOVER target HOST and PORT is not a replica.";
inline constexpr std::string_view kFailoverTargetNotOnline = "ERR FAILOVER target replica is not online.";
inline constexpr std::string_view kPsyncFailoverToMaster = "ERR PSYNC FAILOVER can't be sent to a master.";
inline constexpr std::string_view kPsyncFailoverReplid = "ERR PSYNC FAILOVER replid must match my replid.";
inline constexpr std::string_view kSyncWhileFailingOver = "NOMASTERLINK Can't SYNC while failing over";
inline constexpr std::string_view kReplicaOfWhileFailingOver = "ERR REPLICAOF not allowed while failing over.";
// SCRIPT DEBUG: redis-server's texts, and our refusal of the Lua debugger (not implemented).
inline constexpr std::string_view kScriptDebugPipeline = "ERR SCRIPT DEBUG must be called outside a pipeline";
inline constexpr std::string_view kScriptDebugMode = "ERR Use SCRIPT DEBUG YES/SYNC/NO";
inline constexpr std::string_view kScriptDebugUnsupported =
    "ERR SCRIPT DEBUG YES/SYNC is not supported by this node: it has no Lua debugger (use SCRIPT DEBUG NO)";

// ---- Persistence (AOF) ----
// Followed by strerror() of the failed write or fsync, as Redis's writeCommandsGetDiskErrorMessage.
inline constexpr std::string_view kMisconfAof = "MISCONF Errors writing to the AOF file: ";
inline constexpr std::string_view kAofRewriteInProgress =
    "ERR Background append only file rewriting already in progress";
inline constexpr std::string_view kAofRewriteFailed =
    "ERR Can't execute an AOF background rewriting. Please check the server logs for more information.";

// ---- Persistence (RDB) ----
// A SAVE that failed: the bare code, the reason is in the log (Redis replies shared.err): not a whole error
// text, so it is not in kAll.
inline constexpr char kSaveFailed[] = "ERR";
inline constexpr std::string_view kBgsaveInProgress = "ERR Background save already in progress";
inline constexpr std::string_view kBgsaveDuringAofRewrite =
    "ERR An AOF log rewriting in progress: can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a "
    "BGSAVE whenever possible.";
// Writes (and PING on a master) after a failed BGSAVE, while save points are configured and
// stop-writes-on-bgsave-error is yes (Redis's writeCommandsGetDiskErrorMessage, DISK_ERROR_TYPE_RDB).
inline constexpr std::string_view kMisconfRdb =
    "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands "
    "that may modify the data set are disabled, because this instance is configured to report errors during "
    "writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for "
    "details about the RDB error.";
// A write on a master with fewer good replicas (online, acknowledged within min-replicas-max-lag seconds) than
// min-replicas-to-write.
inline constexpr std::string_view kNoReplicas = "NOREPLICAS Not enough good replicas to write.";
// protected-mode yes, the default user without a password, a client from outside the loopback interface: the
// text written before the connection is closed.
inline constexpr std::string_view kProtectedMode =
    "DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the "
    "default user. In this mode connections are only accepted from the loopback interface. If you want to "
    "connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable "
    "protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting "
    "to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from "
    "internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just "
    "disable the protected mode by editing the Redis configuration file, and setting the protected mode option "
    "to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart "
    "it with the '--protected-mode no' option. 4) Setup a an authentication password for the default user. "
    "NOTE: You only need to do one of the above things in order for the server to start accepting connections "
    "from the outside.";
// SHUTDOWN whose final save failed (without FORCE): the server keeps running.
inline constexpr std::string_view kShutdownSaveFailed = "ERR Errors trying to SHUTDOWN. Check logs.";
// "ERR Background save failed: fork: <strerror>".
std::string BgsaveForkFailed(std::string_view reason);

// ---- DEBUG ----
// DEBUG when enable-debug-command does not allow it for this client (Redis's processCommand, before AUTH).
inline constexpr std::string_view kDebugNotAllowed =
    "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a "
    "local connection, otherwise you need to set this option in the configuration file, and then restart the "
    "server.";
inline constexpr std::string_view kDebugReloadOptions =
    "ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.";
inline constexpr std::string_view kDebugReloadFailed = "ERR Error trying to load the RDB dump";
// DEBUG PROTOCOL's texts, DEBUG QUICKLIST-PACKED-THRESHOLD's range, DEBUG LISTPACK/QUICKLIST on another encoding.
inline constexpr std::string_view kDebugProtocolType =
    "ERR Wrong protocol type name. Please use one of the following: "
    "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false";
inline constexpr std::string_view kDebugProtocolResp2 = "ERR RESP2 is not supported by this command";
inline constexpr std::string_view kDebugPackedThreshold =
    "ERR argument must be a memory value bigger than 1 and smaller than 4gb";
inline constexpr std::string_view kNotListpack = "ERR Not a listpack encoded object.";
inline constexpr std::string_view kNotQuicklist = "ERR Not a quicklist encoded object.";

// ---- MODULE (no modules can be loaded here) ----
// MODULE LOAD/LOADEX/UNLOAD when enable-module-command does not allow them (as DEBUG's, before AUTH).
inline constexpr std::string_view kModuleNotAllowed =
    "ERR MODULE command not allowed. If the enable-module-command option is set to \"local\", you can run it from "
    "a local connection, otherwise you need to set this option in the configuration file, and then restart the "
    "server.";
inline constexpr std::string_view kModuleLoadFailed = "ERR Error loading the extension. Please check the server logs.";
inline constexpr std::string_view kModuleUnloadNoSuch = "ERR Error unloading module: no such module with that name";

// ---- Cluster: redirects (MOVED/ASK are built by Redirect) ----
inline constexpr std::string_view kCrossSlot = "CROSSSLOT Keys in request don't hash to the same slot";
inline constexpr std::string_view kClusterDownUnbound = "CLUSTERDOWN Hash slot not served";
inline constexpr std::string_view kClusterDown = "CLUSTERDOWN The cluster is down";
inline constexpr std::string_view kClusterDownReadOnly =
    "CLUSTERDOWN The cluster is down and only accepts read commands";
inline constexpr std::string_view kTryAgain = "TRYAGAIN Multiple keys request during rehashing of slot";
// "MOVED 3999 127.0.0.1:6381" or "ASK 3999 127.0.0.1:6381"
std::string Redirect(bool ask, int slot, std::string_view host, int port);

// ---- Cluster: CLUSTER subcommands, MIGRATE ----
inline constexpr std::string_view kClusterDisabled = "ERR This instance has cluster support disabled";
// CLUSTER FAILOVER
inline constexpr std::string_view kFailoverToMaster = "ERR You should send CLUSTER FAILOVER to a replica";
inline constexpr std::string_view kFailoverMasterUnknown = "ERR I'm a replica but my master is unknown to me";
inline constexpr std::string_view kFailoverMasterDown =
    "ERR Master is down or failed, please use CLUSTER FAILOVER FORCE";
inline constexpr std::string_view kInvalidSlot = "ERR Invalid or out of range slot";
inline constexpr std::string_view kInvalidSlotShort = "ERR Invalid slot";
inline constexpr std::string_view kInvalidSlotOrKeys = "ERR Invalid slot or number of keys";
// CLUSTER SLOT-STATS (Valkey 8.0 / Redis 8.2)
inline constexpr std::string_view kSlotStatsMetric = "ERR Unrecognized sort metric for ORDERBY.";
inline constexpr std::string_view kSlotStatsLimit =
    "ERR Limit has to lie in between 1 and 16384 (maximum number of slots).";
inline constexpr std::string_view kSlotStatsRepeatedFilter = "ERR Multiple filters of the same type are disallowed.";
inline constexpr std::string_view kSetSlotSyntax =
    "ERR Invalid CLUSTER SETSLOT action or number of arguments. Try CLUSTER HELP";
inline constexpr std::string_view kSetSlotReplica = "ERR Please use SETSLOT only with masters.";
inline constexpr std::string_view kReplicateMyself = "ERR Can't replicate myself";
inline constexpr std::string_view kReplicateReplica = "ERR I can only replicate a master, not a replica.";
inline constexpr std::string_view kReplicateNotEmpty =
    "ERR To set a master the node must be empty and without assigned slots.";
inline constexpr std::string_view kForgetMyself = "ERR I tried hard but I can't forget myself...";
inline constexpr std::string_view kForgetMaster = "ERR Can't forget my master!";
inline constexpr std::string_view kResetWithKeys = "ERR CLUSTER RESET can't be called with master nodes containing keys";
inline constexpr std::string_view kNotMaster = "ERR The specified node is not a master";
inline constexpr std::string_view kTargetNotMaster = "ERR Target node is not a master";
inline constexpr std::string_view kEpochOthers =
    "ERR The user can assign a config epoch only when the node does not know any other node.";
inline constexpr std::string_view kEpochNonZero = "ERR Node config epoch is already non-zero";
inline constexpr std::string_view kFlushSlotsNotEmpty = "ERR DB must be empty to perform CLUSTER FLUSHSLOTS.";
inline constexpr std::string_view kMigrateKeysArg =
    "ERR When using MIGRATE KEYS option, the key argument must be set to the empty string";
inline constexpr std::string_view kIoConnect = "IOERR error or timeout connecting to the client";
inline constexpr std::string_view kIoWrite = "IOERR error or timeout writing to target instance";
inline constexpr std::string_view kIoRead = "IOERR error or timeout reading to target instance";
// "ERR Unknown node <id>" and "ERR I don't know about node <id>" (SETSLOT MIGRATING/IMPORTING)
std::string UnknownNode(std::string_view id);
std::string DontKnowNode(std::string_view id);
// CLUSTER MEET: "ERR Invalid TCP base port specified: x", "... bus port ...",
// "ERR Invalid node address specified: ip:port"
std::string InvalidBasePort(std::string_view arg);
std::string InvalidBusPort(std::string_view arg);
std::string InvalidNodeAddress(std::string_view ip, std::string_view port);
// ADDSLOTS/DELSLOTS(RANGE)
std::string SlotRangeReversed(int64_t start, int64_t end);
std::string SlotBusy(int slot);
std::string SlotStatsRangeReversed(int start, int end);  // CLUSTER SLOT-STATS SLOTSRANGE (capital S, as Valkey)
std::string SlotUnassigned(int slot);
std::string SlotRepeated(int slot);
// SETSLOT
std::string NotSlotOwner(int slot);
std::string AlreadySlotOwner(int slot);
std::string SlotHasKeys(int slot);
// SET-CONFIG-EPOCH, SAVECONFIG, MIGRATE
std::string InvalidConfigEpoch(int64_t epoch);
std::string SaveConfigFailed(std::string_view why);
std::string TargetError(std::string_view error);

// ---- Built from the command (dispatcher) ----
// "ERR wrong number of arguments for 'get' command" (the command name lowercased, subcommands as
// "'cluster|info'").
std::string WrongArgs(std::string_view command);
// "ERR unknown command 'foo', with args beginning with: 'a' 'b' " (Redis echoes at most 128 bytes of the
// name and 128 bytes of quoted arguments).
std::string UnknownCommand(std::string_view name, const std::string_view* args, size_t nargs);
// "NOPERM this user has no permissions to run the 'get' command" (the full name: 'client|kill').
std::string NoPermCommand(std::string_view command);
// EXEC of a command the user may no longer run: Redis's text with the reason.
std::string NoPermExec(std::string_view reason);
// A refused EXEC: "EXECABORT Transaction discarded because of: <the refusal>" (execCommandAbort).
std::string ExecAbortBecause(std::string_view error);
// ACL DRYRUN: "ERR User 'x' not found", "ERR Command 'x' not found"
std::string AclUserNotFound(std::string_view user);
std::string AclCommandNotFound(std::string_view command);
// ACL SETUSER: "ERR Error in ACL SETUSER modifier '<op>': <reason>" and
// "ERR Unmatched parenthesis in acl selector starting at '<arg>'."
std::string AclSetUserModifier(std::string_view op, std::string_view reason);
std::string AclUnmatchedParenthesis(std::string_view arg);
// ACL LOAD's collected errors (redis-server's text, one sentence per bad line) as the reply.
std::string AclLoadFailed(std::string_view errors);
// ACL CAT <category>: "ERR Unknown category 'foo'"
std::string AclUnknownCategory(std::string_view category);
// "ERR unknown subcommand 'foo'. Try CONFIG HELP."
std::string UnknownSubcommand(std::string_view sub, std::string_view command);
// "ERR invalid expire time in 'set' command"
std::string InvalidExpireTime(std::string_view command);
// "ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP." (the subcommand as
// sent; a handler's own argument check, as Redis's addReplySubcommandSyntaxError)
std::string SubcommandSyntax(std::string_view sub, std::string_view command);
// "ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this
// context" (a RESP2 client with subscriptions; the command's full name, e.g. 'client|info')
std::string SubscribeContext(std::string_view command);
// "ERR Unknown PFDEBUG subcommand 'foo'"
std::string UnknownPfdebugSubcommand(std::string_view sub);
// XREAD/XREADGROUP BLOCK from a script: "ERR xread command is not allowed with BLOCK option from scripts"
// (the command name as the script spelled it)
std::string BlockFromScript(std::string_view command);
// LATENCY GRAPH of an event without samples: "ERR No samples available for event 'foo'"
std::string LatencyNoSamples(std::string_view event);
// Consumer groups: "NOGROUP No such consumer group 'g' for key name 'k'" (XGROUP, XINFO CONSUMERS),
// "NOGROUP No such key 'k' or consumer group 'g' in XREADGROUP with GROUP option",
// "NOGROUP No such key 'k' or consumer group 'g'" (XPENDING, XCLAIM, XAUTOCLAIM),
// "ERR Unrecognized XCLAIM option 'x'"
std::string NoGroupForKey(std::string_view group, std::string_view key);
std::string NoGroupXreadgroup(std::string_view key, std::string_view group);
std::string NoKeyOrGroup(std::string_view key, std::string_view group);
std::string XclaimUnknownOption(std::string_view option);

// ---- Scripting and functions ----
inline constexpr std::string_view kNoScript = "NOSCRIPT No matching script. Please use EVAL.";
inline constexpr std::string_view kBusyScript =
    "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
inline constexpr std::string_view kBusyFunction =
    "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";
inline constexpr std::string_view kNotBusy = "NOTBUSY No scripts in execution right now.";
inline constexpr std::string_view kUnkillableWrote =
    "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the "
    "script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.";
inline constexpr std::string_view kNumkeysNegative = "ERR Number of keys can't be negative";
inline constexpr std::string_view kScriptNoCluster = "ERR Can not run script on cluster, 'no-cluster' flag is set.";
inline constexpr std::string_view kScriptOom =
    "OOM allow-oom flag is not set on the script, can not run it when used memory > 'maxmemory'";
inline constexpr std::string_view kScriptWriteWithRo = "ERR Can not execute a script with write flag using *_ro command.";
inline constexpr std::string_view kScriptFlushArgs = "ERR SCRIPT FLUSH only support SYNC|ASYNC option";
inline constexpr std::string_view kFunctionNotFound = "ERR Function not found";
inline constexpr std::string_view kLibraryNotFound = "ERR Library not found";
inline constexpr std::string_view kFunctionFlushArgs = "ERR FUNCTION FLUSH only supports SYNC|ASYNC option";
// Refusals of a command called from a script (redis.call): the script gets {err=<text>}, and an error
// raised to EVAL's caller reads "<text> script: <sha>, on @user_script:<line>.".
inline constexpr std::string_view kScriptUnknownCommand = "ERR Unknown Redis command called from script";
inline constexpr std::string_view kScriptWrongArgs = "ERR Wrong number of args calling Redis command from script";
inline constexpr std::string_view kScriptNotAllowed = "ERR This Redis command is not allowed from script";
inline constexpr std::string_view kScriptWriteInRo = "ERR Write commands are not allowed from read-only scripts.";
inline constexpr std::string_view kScriptNonLocalKey = "ERR Script attempted to access a non local key in a cluster node";
inline constexpr std::string_view kScriptClusterDown = "ERR Script attempted to execute a command while the cluster is down";
inline constexpr std::string_view kScriptClusterDownRo =
    "ERR Script attempted to execute a write command while the cluster is down and readonly";
inline constexpr std::string_view kScriptCrossSlot = "ERR Script attempted to access keys that do not hash to the same slot";
// A Lua reply nested deeper than the stack allows.
inline constexpr std::string_view kLuaStackLimit = "ERR reached lua stack limit";
// FUNCTION LOAD / RESTORE / LIST
inline constexpr std::string_view kLibraryNoMetadata = "ERR Missing library metadata";
inline constexpr std::string_view kLibraryNoName = "ERR Library name was not given";
inline constexpr std::string_view kLibraryBadName =
    "ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character "
    "long";
inline constexpr std::string_view kNoFunctionsRegistered = "ERR No functions registered";
inline constexpr std::string_view kLibraryNameArgMissing = "ERR library name argument was not given";
inline constexpr std::string_view kBadRestorePolicy =
    "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.";
// FUNCTION RESTORE of a payload whose trailer is fine but whose records are not (redis-server 7.0's texts):
// a record that is not a library, and the fields of one that cannot be read (FUNCTION2: the code; the
// pre-release FUNCTION record: name, engine, description and code).
inline constexpr std::string_view kRestoreNotFunction = "ERR given type is not a function";
inline constexpr std::string_view kRestoreBadLibraryPayload = "ERR Failed loading library payload";
inline constexpr std::string_view kRestoreBadLibraryName = "ERR Failed loading library name";
inline constexpr std::string_view kRestoreBadEngineName = "ERR Failed loading engine name";
inline constexpr std::string_view kRestoreBadDescriptionFlag = "ERR Failed loading library description indicator";
inline constexpr std::string_view kRestoreBadDescription = "ERR Failed loading library description";
inline constexpr std::string_view kRestoreBadLibraryBlob = "ERR Failed loading library blob";
// The code Redis puts before a Lua error text that has none (luaPushErrorBuff, the error handler): a prefix,
// not a whole error, so it is not in kAll.
inline constexpr char kErrCode[] = "ERR ";
// "ERR <text>": a Lua error text given the ERR code.
std::string WithErrCode(std::string_view text);
// EVAL shebang: "ERR Unexpected engine in script shebang: x", "ERR Unknown lua shebang option: x",
// "ERR Unexpected flag in script shebang: x"
std::string ShebangBadEngine(std::string_view engine);
std::string ShebangBadOption(std::string_view option);
std::string ShebangBadFlag(std::string_view flag);
// "ERR Error compiling script (new function): <lua message>"
std::string ScriptCompileFailed(std::string_view message);
// "ERR Error running script <sha or function>, <lua message, at most 100 bytes>"
std::string ScriptRunFailed(std::string_view script, std::string_view message);
// "ERR Error compiling function: <lua message>", "ERR Error registering functions: <lua message>"
std::string FunctionCompileFailed(std::string_view message);
std::string FunctionRegisterFailed(std::string_view message);
// FUNCTION LOAD: "ERR Engine 'x' not found", "ERR Invalid metadata value given: x",
// "ERR Library 'x' already exists", "ERR Function x already exists", "ERR Unknown option given: x"
std::string EngineNotFound(std::string_view engine);
std::string InvalidLibraryMetadata(std::string_view value);
std::string LibraryExists(std::string_view library);
std::string FunctionExists(std::string_view function);
std::string UnknownOptionGiven(std::string_view option);
// FUNCTION RESTORE (APPEND): "ERR Library x already exists" (no quotes, unlike FUNCTION LOAD)
std::string RestoreLibraryExists(std::string_view library);
// FUNCTION LIST: "ERR Unknown argument x"
std::string UnknownArgument(std::string_view arg);


// Errors raised inside a script by the redis.* functions and the Lua sandbox: the script sees them with the
// ERR code (WithErrCode), as Redis's luaPushError adds it; EVAL's caller gets them with the script's place.
namespace lua_reason {
inline constexpr std::string_view kNoArguments = "Please specify at least one argument for this redis lib call";
inline constexpr std::string_view kBadArgumentType = "Lua redis lib command arguments must be strings or integers";
inline constexpr std::string_view kReplyNotConverted = "Reply of the command could not be converted";
inline constexpr std::string_view kWrongArgsOrType = "wrong number or type of arguments";
inline constexpr std::string_view kWrongArgCount = "wrong number of arguments";
inline constexpr std::string_view kLogArgs = "redis.log() requires two arguments or more.";
inline constexpr std::string_view kLogLevelNotNumber = "First argument must be a number";
inline constexpr std::string_view kLogLevelInvalid = "Invalid debug level.";
inline constexpr std::string_view kSetRespArgs = "redis.setresp() requires one argument.";
inline constexpr std::string_view kSetRespVersion = "RESP version must be 2 or 3.";
inline constexpr std::string_view kSetReplArgs = "redis.set_repl() requires two arguments.";
inline constexpr std::string_view kSetReplFlags =
    "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.";
inline constexpr std::string_view kReadonlyTable = "Attempt to modify a readonly table";
inline constexpr std::string_view kLoadTimeout = "FUNCTION LOAD timeout";
inline constexpr std::string_view kKilled = "Script killed by user with SCRIPT KILL...";
inline constexpr std::string_view kRegisterNotLoading =
    "redis.register_function can only be called on FUNCTION LOAD command";
inline constexpr std::string_view kRegisterWrongArgs = "wrong arguments given to redis.register_function";
inline constexpr std::string_view kRegisterKeyNotString =
    "named argument key given to redis.register_function is not a string";
inline constexpr std::string_view kRegisterNameNotString =
    "function_name argument given to redis.register_function must be a string";
inline constexpr std::string_view kRegisterDescriptionNotString =
    "description argument given to redis.register_function must be a string";
inline constexpr std::string_view kRegisterCallbackNotFunction =
    "callback argument given to redis.register_function must be a function";
inline constexpr std::string_view kRegisterFlagsNotTable =
    "flags argument to redis.register_function must be a table representing function flags";
inline constexpr std::string_view kRegisterUnknownFlag = "unknown flag given";
inline constexpr std::string_view kRegisterUnknownArgument = "unknown argument given to redis.register_function";
inline constexpr std::string_view kRegisterNoCallback = "redis.register_function must get a callback argument";
inline constexpr std::string_view kRegisterArgCount = "wrong number of arguments to redis.register_function";
inline constexpr std::string_view kRegisterNoName = "redis.register_function must get a function name argument";
inline constexpr std::string_view kFunctionInLibrary = "Function already exists in the library";
// luaL_error's format (the Lua position is put in front): the name of the global.
inline constexpr std::string_view kNoSuchGlobal = "Script attempted to access nonexistent global variable '%s'";
}  // namespace lua_reason

// ---- Streams (Redis 7.0.15's t_stream.c) ----
inline constexpr std::string_view kStreamInvalidId = "ERR Invalid stream ID specified as stream command argument";
inline constexpr std::string_view kXaddIdZero = "ERR The ID specified in XADD must be greater than 0-0";
inline constexpr std::string_view kStreamExhausted =
    "ERR The stream has exhausted the last possible ID, unable to add more items";
inline constexpr std::string_view kXaddIdTooSmall =
    "ERR The ID specified in XADD is equal or smaller than the target stream top item";
inline constexpr std::string_view kStreamElementsTooLarge = "ERR Elements are too large to be stored";
inline constexpr std::string_view kStreamMaxlenAndMinid =
    "ERR syntax error, MAXLEN and MINID options at the same time are not compatible";
inline constexpr std::string_view kStreamMaxlenNegative = "ERR The MAXLEN argument must be >= 0.";
inline constexpr std::string_view kStreamLimitNegative = "ERR The LIMIT argument must be >= 0.";
inline constexpr std::string_view kStreamLimitNoStrategy =
    "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy";
inline constexpr std::string_view kXtrimNoStrategy = "ERR syntax error, XTRIM must be called with a trimming strategy";
inline constexpr std::string_view kStreamLimitNoApprox =
    "ERR syntax error, LIMIT cannot be used without the special ~ option";
inline constexpr std::string_view kStreamInvalidStart = "ERR invalid start ID for the interval";
inline constexpr std::string_view kStreamInvalidEnd = "ERR invalid end ID for the interval";
inline constexpr std::string_view kXreadUnbalanced =
    "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.";
inline constexpr std::string_view kXreadGroupOption =
    "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.";
inline constexpr std::string_view kXreadNoackOption =
    "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.";
inline constexpr std::string_view kXreadGtOnlyInGroup =
    "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.";
inline constexpr std::string_view kXsetidEntriesAddedNegative = "ERR entries_added must be positive";
inline constexpr std::string_view kXsetidBelowMaxDeleted =
    "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id";
inline constexpr std::string_view kXsetidBelowTop = "ERR The ID specified in XSETID is smaller than the target stream top item";
inline constexpr std::string_view kXsetidEntriesAddedBelowLength =
    "ERR The entries_added specified in XSETID is smaller than the target stream length";

// Redis 7.2 to 8.4 (redis-server 7.0.15 has none of these). The 7.2/7.4 texts are redis-server's own
// (src/networking.c, src/t_hash.c of 7.4.0); the 8.x texts are written from the documentation, since no 8.x
// server is here to compare with.
inline constexpr std::string_view kMaxAgeNotInteger = "ERR maxage is not an integer or out of range";
inline constexpr std::string_view kMaxAgeNotPositive = "ERR maxage should be greater than 0";
inline constexpr std::string_view kFieldsArgMissing =
    "ERR Mandatory argument FIELDS is missing or not at the right position";
inline constexpr std::string_view kNumFieldsPositive = "ERR Number of fields must be a positive integer";
inline constexpr std::string_view kNumFieldsMismatch =
    "ERR The `numfields` parameter must match the number of arguments";
inline constexpr std::string_view kBitopTwoSources =
    "ERR BITOP DIFF, DIFF1 and ANDOR must be called with at least two source keys.";
inline constexpr std::string_view kInvalidNumkeys = "ERR invalid numkeys value";

// Every constant above, for the test that checks their shape.
inline constexpr std::string_view kAll[] = {
    kStreamInvalidId, kXaddIdZero, kStreamExhausted, kXaddIdTooSmall, kStreamElementsTooLarge,
    kStreamMaxlenAndMinid, kStreamMaxlenNegative, kStreamLimitNegative, kStreamLimitNoStrategy, kXtrimNoStrategy,
    kStreamLimitNoApprox, kStreamInvalidStart, kStreamInvalidEnd, kXreadUnbalanced, kXreadGroupOption,
    kXreadNoackOption, kXreadGtOnlyInGroup, kXsetidEntriesAddedNegative, kXsetidBelowMaxDeleted, kXsetidBelowTop,
    kXsetidEntriesAddedBelowLength,
    kMaxAgeNotInteger, kMaxAgeNotPositive, kFieldsArgMissing, kNumFieldsPositive, kNumFieldsMismatch,
    kBitopTwoSources, kInvalidNumkeys,
    kSyntax, kWrongType, kNotInteger, kNotFloat, kOverflow, kDecrOverflow, kIncrFloatNaN, kValueNaNOrInf,
    kValueOutOfRange, kCountOutOfRange, kNoSuchKey, kIndexOutOfRange, kOffsetOutOfRange, kOutOfRangePositive, kZeroOrOne,
    kMinMaxNotFloat, kMinMaxNotLex, kTimeoutNotFloat, kTimeoutNotInteger, kTimeoutNegative, kNumkeysPositive,
    kTooManyKeys, kLimitNegative, kCountNegative, kCountPositive, kInvalidCursor, kStringTooLong,
    kLcsNotStrings, kLcsLenAndIdx, kLcsTooLong, kLcsMemory,
    kBitOffset, kBitValue, kBitposBit, kBitopNot, kBitfieldType, kBitfieldOverflow, kBitfieldRo, kHllWrongType,
    kHllInvalid, kHllNotSparse, kPfdebugNoKey, kHashValueNotInteger, kHashValueNotFloat,
    kXgroupKeyMissing, kBusyGroup, kEntriesReadRange, kXreadgroupMissingGroup, kXreadgroupDollar,
    kBlockedGroupGone, kBlockedStreamGone, kUnblockedStateChanged, kMonitorDenyBlocking,
    kClientPauseMode, kClientUnblockReason, kUnblockedByCommand, kXclaimMinIdle, kXclaimIdle, kXclaimTime, kXclaimRetryCount,
    kXautoclaimMinIdle, kCountAtLeastOne,
    kRankZero, kMaxlenNegative, kZaddXxNx, kZaddGtLtNx, kZaddIncrPair, kScoreNaN, kLimitNeedsBy,
    kWithscoresBylex, kWeightNotFloat, kGeoUnit, kGeoNeedRadius, kGeoRadiusNegative, kGeoNeedWidth, kGeoNeedHeight,
    kGeoBoxNegative, kGeoNoMember, kGeoAnyNeedsCount, kSortByCluster, kSortByAcl,
    kSortGetCluster, kSortGetAcl, kSortNotDouble, kExpireNxWithOthers, kExpireGtAndLt, kInvalidTtl, kInvalidIdletime,
    kInvalidFreq, kSameObject, kCopyDbCluster, kNoLfu, kLfuNoIdle, kBusyKey, kBadDumpPayload, kBadDataFormat,
    kNoAuth, kWrongPass, kAuthNotConfigured, kHelloNoAuth, kProtoVersionNotInteger, kNoProto,
    kNoPermKey, kNoPermChannel, kScriptAclCommand, kScriptAclKey, kScriptAclChannel, kAclDefaultUserDelete,
    kAclUsernameSpaces, kAclGenpassRange, kAclSaveFailed, kAclNoFile,
    kReadOnlyReplica, kOom, kLoading, kMasterDown, kMaxClients, kDbIndexOutOfRange, kSelectClusterMode,
    kMoveClusterMode, kSwapdbClusterMode, kSwapdbFirstIndex, kSwapdbSecondIndex, kIntOutOfRange,
    kProtoBigMbulkCount, kProtoBadMbulkLen, kProtoBigBulkCount, kProtoBadBulkLen, kProtoBigInline,
    kProtoUnbalancedQuotes, kExecAbort, kMultiNested, kExecWithoutMulti, kDiscardWithoutMulti, kWatchInMulti,
    kBadClientName, kInvalidClientId, kClientIdNotPositive, kNoSuchClient, kTrackingOneRedirect,
    kTrackingNoRedirectClient, kTrackingPrefixNeedsBcast, kTrackingBcastSwitch, kTrackingOptBcast, kTrackingOptinOptout,
    kTrackingOptSwitch, kCachingNotTracking, kCachingYesNeedsOptin, kCachingNoNeedsOptout, kNoShutdown, kSlowlogCount,
    kNoConfigFile, kConfigRewriteFailed, kInvalidCommand, kGetKeysArity, kGetKeysBadArgs, kGetKeysNoKeys,
    kReplicaOfClusterMode, kInvalidMasterPort, kReplicaKeyspace, kNoMasterLink,
    kFailoverClusterMode, kNoFailoverInProgress, kFailoverTimeoutPositive, kFailoverInProgress, kFailoverOnReplica,
    kFailoverNoReplicas, kFailoverForceArgs, kFailoverTargetNotReplica, kFailoverTargetNotOnline,
    kPsyncFailoverToMaster, kPsyncFailoverReplid, kSyncWhileFailingOver, kReplicaOfWhileFailingOver,
    kScriptDebugPipeline, kScriptDebugMode, kScriptDebugUnsupported,
    kWaitOnReplica, kMisconfAof, kAofRewriteInProgress, kAofRewriteFailed, kBgsaveInProgress,
    kBgsaveDuringAofRewrite, kDebugNotAllowed, kDebugReloadOptions, kDebugReloadFailed, kDebugProtocolType,
    kDebugProtocolResp2, kDebugPackedThreshold, kNotListpack, kNotQuicklist, kModuleNotAllowed, kModuleLoadFailed,
    kModuleUnloadNoSuch, kMisconfRdb, kNoReplicas,
    kProtectedMode, kShutdownSaveFailed, kCrossSlot, kClusterDownUnbound,
    kClusterDown, kClusterDownReadOnly, kTryAgain,
    kClusterDisabled, kFailoverToMaster, kFailoverMasterUnknown, kFailoverMasterDown, kInvalidSlot,
    kInvalidSlotShort, kInvalidSlotOrKeys, kSlotStatsMetric, kSlotStatsLimit, kSlotStatsRepeatedFilter,
    kSetSlotSyntax, kSetSlotReplica,
    kReplicateMyself, kReplicateReplica, kReplicateNotEmpty, kForgetMyself, kForgetMaster, kResetWithKeys,
    kNotMaster, kTargetNotMaster, kEpochOthers, kEpochNonZero, kFlushSlotsNotEmpty, kMigrateKeysArg,
    kIoConnect, kIoWrite, kIoRead,
    kNoScript, kBusyScript, kBusyFunction, kNotBusy, kUnkillableWrote, kNumkeysNegative, kScriptNoCluster,
    kScriptOom, kScriptWriteWithRo, kScriptFlushArgs, kFunctionNotFound, kLibraryNotFound,
    kFunctionFlushArgs, kScriptUnknownCommand, kScriptWrongArgs, kScriptNotAllowed, kScriptWriteInRo,
    kScriptNonLocalKey, kScriptClusterDown, kScriptClusterDownRo, kScriptCrossSlot,
    kLuaStackLimit, kLibraryNoMetadata, kLibraryNoName, kLibraryBadName, kNoFunctionsRegistered,
    kLibraryNameArgMissing, kBadRestorePolicy, kRestoreNotFunction, kRestoreBadLibraryPayload,
    kRestoreBadLibraryName, kRestoreBadEngineName, kRestoreBadDescriptionFlag, kRestoreBadDescription,
    kRestoreBadLibraryBlob,
};
inline constexpr std::string_view kAllConfigReasons[] = {
    config_reason::kImmutable, config_reason::kDuplicate, config_reason::kWrongArgCount,
    config_reason::kNotBool, config_reason::kNotInteger, config_reason::kNotMemory,
    config_reason::kTooManyBind, config_reason::kBadMasterPort,
    config_reason::kNotMemoryOrPercent, config_reason::kPercentOver100, config_reason::kSaveAndNosave,
    config_reason::kNotOctal,
    config_reason::kBadSave, config_reason::kBufferLimitArgs,
    config_reason::kBufferLimitClass, config_reason::kBufferLimitValue, config_reason::kOomScoreRange,
    config_reason::kBadEventClass, config_reason::kBadPercentiles, config_reason::kPercentilesRange,
    config_reason::kNoSuchRename, config_reason::kRenameTargetExists, config_reason::kBadDirective,
    config_reason::kNoModules, config_reason::kNoTls,
    config_reason::kUnsupported,
};

inline constexpr std::string_view kAllLuaReasons[] = {
    lua_reason::kNoArguments, lua_reason::kBadArgumentType, lua_reason::kReplyNotConverted,
    lua_reason::kWrongArgsOrType, lua_reason::kWrongArgCount, lua_reason::kLogArgs, lua_reason::kLogLevelNotNumber,
    lua_reason::kLogLevelInvalid, lua_reason::kSetRespArgs, lua_reason::kSetRespVersion, lua_reason::kSetReplArgs,
    lua_reason::kSetReplFlags, lua_reason::kReadonlyTable, lua_reason::kLoadTimeout, lua_reason::kKilled,
    lua_reason::kRegisterNotLoading, lua_reason::kRegisterWrongArgs, lua_reason::kRegisterKeyNotString,
    lua_reason::kRegisterNameNotString, lua_reason::kRegisterDescriptionNotString,
    lua_reason::kRegisterCallbackNotFunction, lua_reason::kRegisterFlagsNotTable, lua_reason::kRegisterUnknownFlag,
    lua_reason::kRegisterUnknownArgument, lua_reason::kRegisterNoCallback, lua_reason::kRegisterArgCount,
    lua_reason::kRegisterNoName, lua_reason::kFunctionInLibrary, lua_reason::kNoSuchGlobal,
};

}  // namespace rcs::err
