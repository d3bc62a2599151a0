// Calls (issue 27; docs/PROTOCOL.md section 8): the SDK signals, the app's WebRTC stack carries
// the media. The app starts, accepts, declines, joins and hangs up calls with Client's call
// methods, hands the ICE servers to its peer connections, sends its SDP offers/answers and ICE
// candidates with Client::SendCallSignal, and gets everything the server tells about calls
// (ringing, who joined and left, the remote descriptions and candidates, the end and why) as
// CallEvents through Client::OnCall. Plain data, copyable; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mqchat {

// One RTCIceServer: STUN, or TURN with its time-limited credentials.
struct IceServer {
  std::vector<std::string> urls;
  std::string username;    // TURN only: "<expiry>:<user>"
  std::string credential;  // TURN only
};

// A device in a call.
struct CallParticipant {
  std::string user;
  std::string device;
};

// The answer to starting, accepting or joining a call.
struct CallSession {
  int64_t conversation_id = 0;
  std::string call_id;
  // accept / join: the devices already in the call; send each of them an offer.
  std::vector<CallParticipant> participants;
  std::vector<IceServer> ice_servers;
  int64_t ring_timeout_s = 0;  // invite only
};

// What a call signal carries (the SDP and ICE of WebRTC, and mute/camera state).
struct CallSignal {
  enum class Kind { kOffer, kAnswer, kCandidate, kMedia };
  Kind kind = Kind::kOffer;
  std::string to;  // the target device's client id "<user>/<device>" (not for kMedia)
  std::string sdp;        // kOffer, kAnswer (at most 64 KiB)
  std::string candidate;  // kCandidate
  std::optional<std::string> sdp_mid;
  std::optional<int64_t> sdp_mline_index;
  std::optional<bool> audio;  // kMedia: microphone on
  std::optional<bool> video;  // kMedia: camera on
};

// Something the server told about a call.
struct CallEvent {
  enum class Kind {
    kRinging,    // this user is being rung: caller, caller_device, video, ring_timeout_s
    kRingEnded,  // stop ringing: reason answered_elsewhere, declined, timeout, cancelled, ended
    kBusy,       // the callee `user` is in another call
    kJoined,     // `user`/`device` joined the call
    kDeclined,   // `user` declined
    kLeft,       // `user`/`device` left: reason hangup or dropped
    kEnded,      // the call ended: reason, started_by, duration_ms, users
    kSignal,     // from a device of the call: `signal` (remote description, candidate, media)
    kOther,      // an event this SDK does not know (a newer server)
  };
  Kind kind = Kind::kOther;
  std::string event;  // the wire name
  int64_t conversation_id = 0;
  std::string call_id;
  std::string user;
  std::string device;
  std::string reason;
  std::string caller;
  std::string caller_device;
  bool video = false;
  int64_t ring_timeout_s = 0;
  std::string started_by;
  int64_t duration_ms = 0;
  std::vector<std::string> users;  // kEnded: who took part
  std::string from;                // kSignal: the sending device's client id
  int64_t sig_seq = 0;             // kSignal: its place in the call's order
  CallSignal signal;               // kSignal
};

}  // namespace mqchat
