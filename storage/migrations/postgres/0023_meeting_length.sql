-- A weekly meeting has a length (R8): /会议 设置 周一 10:00 90分钟. Teams
-- that set their schedule before keep the one hour they had.
ALTER TABLE meeting_schedules ADD COLUMN minutes INTEGER NOT NULL DEFAULT 60 CHECK (minutes > 0);
