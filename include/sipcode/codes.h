/* GENERATED from data/codes.txt by data/gen_registry.c: do not edit.
 *
 * sipcode/codes.h - a named constant for every response code sipcode
 * knows, registered or not (see sipcode_lookup() for its status). */
#ifndef SIPCODE_CODES_H
#define SIPCODE_CODES_H

enum sipcode_sc {
    SIPCODE_SC_TRYING = 100, /* Trying */
    SIPCODE_SC_RINGING = 180, /* Ringing */
    SIPCODE_SC_CALL_IS_BEING_FORWARDED = 181, /* Call Is Being Forwarded */
    SIPCODE_SC_QUEUED = 182, /* Queued */
    SIPCODE_SC_SESSION_PROGRESS = 183, /* Session Progress */
    SIPCODE_SC_EARLY_DIALOG_TERMINATED = 199, /* Early Dialog Terminated */
    SIPCODE_SC_OK = 200, /* OK */
    SIPCODE_SC_ACCEPTED = 202, /* Accepted, deprecated */
    SIPCODE_SC_NO_NOTIFICATION = 204, /* No Notification */
    SIPCODE_SC_MULTIPLE_CHOICES = 300, /* Multiple Choices */
    SIPCODE_SC_MOVED_PERMANENTLY = 301, /* Moved Permanently */
    SIPCODE_SC_MOVED_TEMPORARILY = 302, /* Moved Temporarily */
    SIPCODE_SC_USE_PROXY = 305, /* Use Proxy */
    SIPCODE_SC_ALTERNATIVE_SERVICE = 380, /* Alternative Service */
    SIPCODE_SC_BAD_REQUEST = 400, /* Bad Request */
    SIPCODE_SC_UNAUTHORIZED = 401, /* Unauthorized */
    SIPCODE_SC_PAYMENT_REQUIRED = 402, /* Payment Required */
    SIPCODE_SC_FORBIDDEN = 403, /* Forbidden */
    SIPCODE_SC_NOT_FOUND = 404, /* Not Found */
    SIPCODE_SC_METHOD_NOT_ALLOWED = 405, /* Method Not Allowed */
    SIPCODE_SC_NOT_ACCEPTABLE = 406, /* Not Acceptable */
    SIPCODE_SC_PROXY_AUTHENTICATION_REQUIRED = 407, /* Proxy Authentication Required */
    SIPCODE_SC_REQUEST_TIMEOUT = 408, /* Request Timeout */
    SIPCODE_SC_CONFLICT = 409, /* Conflict, historic */
    SIPCODE_SC_GONE = 410, /* Gone */
    SIPCODE_SC_LENGTH_REQUIRED = 411, /* Length Required, historic */
    SIPCODE_SC_CONDITIONAL_REQUEST_FAILED = 412, /* Conditional Request Failed */
    SIPCODE_SC_REQUEST_ENTITY_TOO_LARGE = 413, /* Request Entity Too Large */
    SIPCODE_SC_REQUEST_URI_TOO_LONG = 414, /* Request-URI Too Long */
    SIPCODE_SC_UNSUPPORTED_MEDIA_TYPE = 415, /* Unsupported Media Type */
    SIPCODE_SC_UNSUPPORTED_URI_SCHEME = 416, /* Unsupported URI Scheme */
    SIPCODE_SC_UNKNOWN_RESOURCE_PRIORITY = 417, /* Unknown Resource-Priority */
    SIPCODE_SC_BAD_EXTENSION = 420, /* Bad Extension */
    SIPCODE_SC_EXTENSION_REQUIRED = 421, /* Extension Required */
    SIPCODE_SC_SESSION_INTERVAL_TOO_SMALL = 422, /* Session Interval Too Small */
    SIPCODE_SC_INTERVAL_TOO_BRIEF = 423, /* Interval Too Brief */
    SIPCODE_SC_BAD_LOCATION_INFORMATION = 424, /* Bad Location Information */
    SIPCODE_SC_BAD_ALERT_MESSAGE = 425, /* Bad Alert Message */
    SIPCODE_SC_USE_IDENTITY_HEADER = 428, /* Use Identity Header */
    SIPCODE_SC_PROVIDE_REFERRER_IDENTITY = 429, /* Provide Referrer Identity */
    SIPCODE_SC_FLOW_FAILED = 430, /* Flow Failed */
    SIPCODE_SC_ANONYMITY_DISALLOWED = 433, /* Anonymity Disallowed */
    SIPCODE_SC_BAD_IDENTITY_INFO = 436, /* Bad Identity Info */
    SIPCODE_SC_UNSUPPORTED_CREDENTIAL = 437, /* Unsupported Credential */
    SIPCODE_SC_INVALID_IDENTITY_HEADER = 438, /* Invalid Identity Header */
    SIPCODE_SC_FIRST_HOP_LACKS_OUTBOUND_SUPPORT = 439, /* First Hop Lacks Outbound Support */
    SIPCODE_SC_MAX_BREADTH_EXCEEDED = 440, /* Max-Breadth Exceeded */
    SIPCODE_SC_BAD_INFO_PACKAGE = 469, /* Bad Info Package */
    SIPCODE_SC_CONSENT_NEEDED = 470, /* Consent Needed */
    SIPCODE_SC_OPENSIPS_FILTERED_DESTINATION = 473, /* Filtered destination, unregistered */
    SIPCODE_SC_OPENSIPS_BAD_URI = 475, /* Bad URI, unregistered */
    SIPCODE_SC_OPENSIPS_UNRESOLVABLE_DESTINATION = 476, /* Unresolvable destination, unregistered */
    SIPCODE_SC_KAMAILIO_SEND_FAILED = 477, /* Unfortunately error on sending to next hop occurred, unregistered */
    SIPCODE_SC_KAMAILIO_UNRESOLVABLE_DESTINATION = 478, /* Unresolvable destination, unregistered */
    SIPCODE_SC_KAMAILIO_BAD_URI = 479, /* Regretfully, we were not able to process the URI, unregistered */
    SIPCODE_SC_TEMPORARILY_UNAVAILABLE = 480, /* Temporarily Unavailable */
    SIPCODE_SC_CALL_TRANSACTION_DOES_NOT_EXIST = 481, /* Call/Transaction Does Not Exist */
    SIPCODE_SC_LOOP_DETECTED = 482, /* Loop Detected */
    SIPCODE_SC_TOO_MANY_HOPS = 483, /* Too Many Hops */
    SIPCODE_SC_ADDRESS_INCOMPLETE = 484, /* Address Incomplete */
    SIPCODE_SC_AMBIGUOUS = 485, /* Ambiguous */
    SIPCODE_SC_BUSY_HERE = 486, /* Busy Here */
    SIPCODE_SC_REQUEST_TERMINATED = 487, /* Request Terminated */
    SIPCODE_SC_NOT_ACCEPTABLE_HERE = 488, /* Not Acceptable Here */
    SIPCODE_SC_BAD_EVENT = 489, /* Bad Event */
    SIPCODE_SC_REQUEST_UPDATED = 490, /* Request Updated, unregistered */
    SIPCODE_SC_REQUEST_PENDING = 491, /* Request Pending */
    SIPCODE_SC_UNDECIPHERABLE = 493, /* Undecipherable */
    SIPCODE_SC_SECURITY_AGREEMENT_REQUIRED = 494, /* Security Agreement Required */
    SIPCODE_SC_SERVER_INTERNAL_ERROR = 500, /* Server Internal Error */
    SIPCODE_SC_NOT_IMPLEMENTED = 501, /* Not Implemented */
    SIPCODE_SC_BAD_GATEWAY = 502, /* Bad Gateway */
    SIPCODE_SC_SERVICE_UNAVAILABLE = 503, /* Service Unavailable */
    SIPCODE_SC_SERVER_TIMEOUT = 504, /* Server Time-out */
    SIPCODE_SC_VERSION_NOT_SUPPORTED = 505, /* Version Not Supported */
    SIPCODE_SC_MESSAGE_TOO_LARGE = 513, /* Message Too Large */
    SIPCODE_SC_PUSH_NOTIFICATION_SERVICE_NOT_SUPPORTED = 555, /* Push Notification Service Not Supported */
    SIPCODE_SC_PRECONDITION_FAILURE = 580, /* Precondition Failure */
    SIPCODE_SC_BUSY_EVERYWHERE = 600, /* Busy Everywhere */
    SIPCODE_SC_DECLINE = 603, /* Decline */
    SIPCODE_SC_DOES_NOT_EXIST_ANYWHERE = 604, /* Does Not Exist Anywhere */
    SIPCODE_SC_NOT_ACCEPTABLE_ANYWHERE = 606, /* Not Acceptable */
    SIPCODE_SC_UNWANTED = 607, /* Unwanted */
    SIPCODE_SC_REJECTED = 608, /* Rejected */
    SIPCODE_SC_DIALOG_TERMINATED = 687, /* Dialog Terminated, unregistered */
    SIPCODE_SC_PJSIP_TSX_TIMEOUT = 701, /* No response from destination server, unregistered */
    SIPCODE_SC_PJSIP_TSX_RESOLVE_ERROR = 702, /* Unable to resolve destination server, unregistered */
    SIPCODE_SC_PJSIP_TSX_TRANSPORT_ERROR = 703, /* Error sending message to destination server, unregistered */
};

#endif /* SIPCODE_CODES_H */
