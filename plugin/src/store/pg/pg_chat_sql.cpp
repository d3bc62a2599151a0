#include "store/pg/pg_chat_sql.h"

namespace mqchat::store::pg_chat_sql {

std::string TextArray(const std::vector<std::string>& values) {
  size_t size = 2;
  for (const std::string& value : values) {
    size += value.size() + 3;
  }
  std::string out;
  out.reserve(size);
  out += '{';
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) {
      out += ',';
    }
    // Quoted, every element is taken verbatim except for backslash escapes: no NULL, no
    // trimming, commas and braces allowed.
    out += '"';
    for (const char ch : values[i]) {
      if (ch == '"' || ch == '\\') {
        out += '\\';
      }
      out += ch;
    }
    out += '"';
  }
  out += '}';
  return out;
}

std::string BoolArray(const std::vector<bool>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += values[i] ? "t" : "f";
  }
  out += '}';
  return out;
}

std::string Int64Array(const std::vector<int64_t>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) {
      out += ',';
    }
    out += std::to_string(values[i]);
  }
  out += '}';
  return out;
}

// Reads conversation_id, seq, message_id, sender, client_msg_id, body, created_at_ms from
// column `first` on.
Result<StoredMessage> ReadMessage(const PGresult* res, int row, int first) {
  StoredMessage msg;
  MQCHAT_ASSIGN_OR_RETURN(msg.conversation_id, PgInt64(res, row, first));
  MQCHAT_ASSIGN_OR_RETURN(msg.seq, PgInt64(res, row, first + 1));
  MQCHAT_ASSIGN_OR_RETURN(msg.message_id, PgInt64(res, row, first + 2));
  msg.sender = PgText(res, row, first + 3);
  msg.client_msg_id = PgText(res, row, first + 4);
  msg.text = PgText(res, row, first + 5);
  MQCHAT_ASSIGN_OR_RETURN(msg.created_at_ms, PgInt64(res, row, first + 6));
  MQCHAT_ASSIGN_OR_RETURN(int64_t kind, PgInt64(res, row, first + 7));
  msg.kind = static_cast<EventKind>(kind);  // CHECK: 0..5 (migration 027)
  MQCHAT_ASSIGN_OR_RETURN(msg.target_seq, PgInt64(res, row, first + 8));
  MQCHAT_ASSIGN_OR_RETURN(msg.edited_at_ms, PgInt64(res, row, first + 9));
  MQCHAT_ASSIGN_OR_RETURN(msg.deleted_at_ms, PgInt64(res, row, first + 10));
  return msg;
}

}  // namespace mqchat::store::pg_chat_sql
