// SqliteChatStore::MarkChannelRead: a reader's read position in a text channel (migration 024,
// channel_reads; sqlite_channel_read_sql.h).
#include <string>

#include "store/sqlite/sqlite_chat_store.h"

namespace mqchat::store {

Result<int64_t> SqliteChatStore::MarkChannelRead(ConversationId id, const std::string& user,
                                                 int64_t seq) {
  // As MarkRead: BEGIN IMMEDIATE takes the write lock first (the busy handler applies).
  MQCHAT_ASSIGN_OR_RETURN(SqliteTxn txn, SqliteTxn::Begin(db_.get()));
  int64_t read_seq = 0;
  {
    sqlite3_stmt* stmt = mark_channel_read_.get();
    StmtReset reset(stmt);
    MQCHAT_ASSIGN_OR_RETURN(bool has_row, BindAndStep(stmt, id, user, seq));
    if (!has_row) return Status::NotFound("no channel " + std::to_string(id));
    read_seq = ColumnInt64(stmt, 0);
  }
  MQCHAT_RETURN_IF_ERROR(txn.Commit());
  return read_seq;
}

}  // namespace mqchat::store
