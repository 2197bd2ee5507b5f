/// The generated protobuf message for one stored event (`Proto/envelope.proto`).
typealias EventRecord = Labelledger_Log_EventRecord
