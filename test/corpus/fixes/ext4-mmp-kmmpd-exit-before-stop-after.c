// SPDX-License-Identifier: GPL-2.0
/*
 * corpus: fix-after
 * subject: ext4: fix possible UAF when remounting r/o a mmp-protected file system
 * source: commit 61bb4a1c417e5b95d9edb4f887f131de32e419cb ("ext4: fix possible UAF when remounting r/o a mmp-protected file system")
 * file: fs/ext4/mmp.c, fs/ext4/super.c
 * date: 2021-07-02
 * class: exit-before-stop
 * bug: none. kmmpd() leaves its loop when the file system is read-only or the
 *      MMP feature is gone, or on an MMP read error / multiple mount, but then
 *      waits in wait_to_exit until kthread_should_stop() before returning, so
 *      ext4_stop_mmpd() always stops a live thread; remount calls
 *      ext4_stop_mmpd() once it is done when the fs is r/o or lost MMP.
 * expect: none
 */
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/buffer_head.h>
#include <linux/utsname.h>
#include <linux/kthread.h>

/* ---- stand-ins for fs/ext4/ext4.h ---- */
#define EXT4_FEATURE_INCOMPAT_MMP	0x0100
#define EXT4_MMP_MAGIC			0x004D4D50U
#define EXT4_MMP_SEQ_CLEAN		0xFF4D4D50U
#define EXT4_MMP_SEQ_FSCK		0xE24D4D50U
#define EXT4_MMP_SEQ_MAX		0xE24D4D4FU
#define EXT4_MMP_CHECK_MULT		2UL
#define EXT4_MMP_MIN_CHECK_INTERVAL	5UL
#define EXT4_MMP_MAX_CHECK_INTERVAL	300UL

typedef unsigned long long ext4_fsblk_t;

struct mmp_struct {
	__le32	mmp_magic;
	__le32	mmp_seq;
	__le64	mmp_time;
	char	mmp_nodename[64];
	char	mmp_bdevname[32];
	__le16	mmp_check_interval;
	__le16	mmp_pad1;
	__le32	mmp_pad2[226];
	__le32	mmp_checksum;
};

struct ext4_super_block {
	__le32	s_first_data_block;
	__le32	s_feature_incompat;
	__le16	s_mmp_update_interval;
	__le64	s_mmp_block;
};

struct ext4_sb_info {
	struct ext4_super_block *s_es;
	struct buffer_head *s_mmp_bh;
	struct task_struct *s_mmp_tsk;
	int fake_write_status;
	int fake_read_status;
};

static inline struct ext4_sb_info *EXT4_SB(struct super_block *sb)
{
	return sb->s_fs_info;
}

static inline bool ext4_has_feature_mmp(struct super_block *sb)
{
	return !!(le32_to_cpu(EXT4_SB(sb)->s_es->s_feature_incompat) &
		  EXT4_FEATURE_INCOMPAT_MMP);
}

#define ext4_warning(sb, fmt, ...)	pr_warn("EXT4-fs (%s): " fmt "\n", (sb)->s_id, ##__VA_ARGS__)
#define ext4_error_err(sb, err, fmt, ...) \
	pr_err("EXT4-fs (%s): error %d: " fmt "\n", (sb)->s_id, (err), ##__VA_ARGS__)
#define dump_mmp_msg(sb, mmp, msg)	ext4_warning(sb, "%s", msg)

extern void ext4_stop_mmpd(struct ext4_sb_info *sbi);
extern int ext4_multi_mount_protect(struct super_block *, ext4_fsblk_t);
extern void ext4_put_super(struct super_block *sb);
extern int ext4_remount(struct super_block *sb, int *flags, char *data);

/* stand-ins for the MMP block I/O helpers (hardware access) */
static int write_mmp_block(struct super_block *sb, struct buffer_head *bh)
{
	return EXT4_SB(sb)->fake_write_status;
}

static int read_mmp_block(struct super_block *sb, struct buffer_head **bh,
			  ext4_fsblk_t mmp_block)
{
	*bh = EXT4_SB(sb)->s_mmp_bh;
	if (*bh)
		get_bh(*bh);
	return EXT4_SB(sb)->fake_read_status;
}

/* ---- fs/ext4/mmp.c ---- */

/*
 * kmmpd will update the MMP sequence every s_mmp_update_interval seconds
 */
static int kmmpd(void *data)
{
	struct super_block *sb = data;
	struct ext4_super_block *es = EXT4_SB(sb)->s_es;
	struct buffer_head *bh = EXT4_SB(sb)->s_mmp_bh;
	struct mmp_struct *mmp;
	ext4_fsblk_t mmp_block;
	u32 seq = 0;
	unsigned long failed_writes = 0;
	int mmp_update_interval = le16_to_cpu(es->s_mmp_update_interval);
	unsigned mmp_check_interval;
	unsigned long last_update_time;
	unsigned long diff;
	int retval = 0;

	mmp_block = le64_to_cpu(es->s_mmp_block);
	mmp = (struct mmp_struct *)(bh->b_data);
	mmp->mmp_time = cpu_to_le64(ktime_get_real_seconds());
	/*
	 * Start with the higher mmp_check_interval and reduce it if
	 * the MMP block is being updated on time.
	 */
	mmp_check_interval = max(EXT4_MMP_CHECK_MULT * mmp_update_interval,
				 EXT4_MMP_MIN_CHECK_INTERVAL);
	mmp->mmp_check_interval = cpu_to_le16(mmp_check_interval);

	memcpy(mmp->mmp_nodename, init_utsname()->nodename,
	       sizeof(mmp->mmp_nodename));

	while (!kthread_should_stop() && !sb_rdonly(sb)) {
		if (!ext4_has_feature_mmp(sb)) {
			ext4_warning(sb, "kmmpd being stopped since MMP feature"
				     " has been disabled.");
			goto wait_to_exit;
		}
		if (++seq > EXT4_MMP_SEQ_MAX)
			seq = 1;

		mmp->mmp_seq = cpu_to_le32(seq);
		mmp->mmp_time = cpu_to_le64(ktime_get_real_seconds());
		last_update_time = jiffies;

		retval = write_mmp_block(sb, bh);
		/*
		 * Don't spew too many error messages. Print one every
		 * (s_mmp_update_interval * 60) seconds.
		 */
		if (retval) {
			if ((failed_writes % 60) == 0) {
				ext4_error_err(sb, -retval,
					       "Error writing to MMP block");
			}
			failed_writes++;
		}

		diff = jiffies - last_update_time;
		if (diff < mmp_update_interval * HZ)
			schedule_timeout_interruptible(mmp_update_interval *
						       HZ - diff);

		/*
		 * We need to make sure that more than mmp_check_interval
		 * seconds have not passed since writing. If that has happened
		 * we need to check if the MMP block is as we left it.
		 */
		diff = jiffies - last_update_time;
		if (diff > mmp_check_interval * HZ) {
			struct buffer_head *bh_check = NULL;
			struct mmp_struct *mmp_check;

			retval = read_mmp_block(sb, &bh_check, mmp_block);
			if (retval) {
				ext4_error_err(sb, -retval,
					       "error reading MMP data: %d",
					       retval);
				goto wait_to_exit;
			}

			mmp_check = (struct mmp_struct *)(bh_check->b_data);
			if (mmp->mmp_seq != mmp_check->mmp_seq ||
			    memcmp(mmp->mmp_nodename, mmp_check->mmp_nodename,
				   sizeof(mmp->mmp_nodename))) {
				dump_mmp_msg(sb, mmp_check,
					     "Error while updating MMP info. "
					     "The filesystem seems to have been"
					     " multiply mounted.");
				ext4_error_err(sb, EBUSY, "abort");
				put_bh(bh_check);
				retval = -EBUSY;
				goto wait_to_exit;
			}
			put_bh(bh_check);
		}

		 /*
		 * Adjust the mmp_check_interval depending on how much time
		 * it took for the MMP block to be written.
		 */
		mmp_check_interval = max(min(EXT4_MMP_CHECK_MULT * diff / HZ,
					     EXT4_MMP_MAX_CHECK_INTERVAL),
					 EXT4_MMP_MIN_CHECK_INTERVAL);
		mmp->mmp_check_interval = cpu_to_le16(mmp_check_interval);
	}

	/*
	 * Unmount seems to be clean.
	 */
	mmp->mmp_seq = cpu_to_le32(EXT4_MMP_SEQ_CLEAN);
	mmp->mmp_time = cpu_to_le64(ktime_get_real_seconds());

	retval = write_mmp_block(sb, bh);

wait_to_exit:
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
	}
	set_current_state(TASK_RUNNING);
	return retval;
}

void ext4_stop_mmpd(struct ext4_sb_info *sbi)
{
	if (sbi->s_mmp_tsk) {
		kthread_stop(sbi->s_mmp_tsk);
		brelse(sbi->s_mmp_bh);
		sbi->s_mmp_tsk = NULL;
	}
}

/*
 * Protect the filesystem from being mounted more than once.
 */
int ext4_multi_mount_protect(struct super_block *sb,
				    ext4_fsblk_t mmp_block)
{
	struct ext4_super_block *es = EXT4_SB(sb)->s_es;
	struct buffer_head *bh = NULL;
	struct mmp_struct *mmp = NULL;
	int retval;

	if (mmp_block < le32_to_cpu(es->s_first_data_block)) {
		ext4_warning(sb, "Invalid MMP block in superblock");
		retval = -EINVAL;
		goto failed;
	}

	retval = read_mmp_block(sb, &bh, mmp_block);
	if (retval)
		goto failed;

	mmp = (struct mmp_struct *)(bh->b_data);

	/* ... sequence number checks and waits cut ... */

	EXT4_SB(sb)->s_mmp_bh = bh;

	/*
	 * Start a kernel thread to update the MMP block periodically.
	 */
	EXT4_SB(sb)->s_mmp_tsk = kthread_run(kmmpd, sb, "kmmpd-%.*s",
					     (int)sizeof(mmp->mmp_bdevname),
					     mmp->mmp_bdevname);
	if (IS_ERR(EXT4_SB(sb)->s_mmp_tsk)) {
		EXT4_SB(sb)->s_mmp_tsk = NULL;
		ext4_warning(sb, "Unable to create kmmpd thread for %s.",
			     sb->s_id);
		retval = -ENOMEM;
		goto failed;
	}

	return 0;

failed:
	brelse(bh);
	return retval;
}

/* ---- fs/ext4/super.c (cut to the MMP parts) ---- */

void ext4_put_super(struct super_block *sb)
{
	struct ext4_sb_info *sbi = EXT4_SB(sb);

	/* ... */
	ext4_stop_mmpd(sbi);
	/* ... */
}

int ext4_remount(struct super_block *sb, int *flags, char *data)
{
	struct ext4_sb_info *sbi = EXT4_SB(sb);
	struct ext4_super_block *es = sbi->s_es;
	int err = 0;

	/* ... option parsing cut ... */

	if ((bool)(*flags & SB_RDONLY) != sb_rdonly(sb)) {
		if (*flags & SB_RDONLY) {
			/*
			 * First of all, the unconditional stuff we have to do
			 * to disable replay of the journal when we next remount
			 */
			sb->s_flags |= SB_RDONLY;
		} else {
			/*
			 * Mounting a RDONLY partition read-write, so reread
			 * and store the current valid flag.  (It may have
			 * been changed by e2fsck since we originally mounted
			 * the partition.)
			 */
			if (ext4_has_feature_mmp(sb))
				if (ext4_multi_mount_protect(sb,
						le64_to_cpu(es->s_mmp_block))) {
					err = -EROFS;
					goto restore_opts;
				}
			sb->s_flags &= ~SB_RDONLY;
		}
	}

	if (!ext4_has_feature_mmp(sb) || sb_rdonly(sb))
		ext4_stop_mmpd(sbi);

	/* ... */
	return 0;

restore_opts:
	/* ... restoring the old options cut ... */
	if (!ext4_has_feature_mmp(sb) || sb_rdonly(sb))
		ext4_stop_mmpd(sbi);
	return err;
}

MODULE_LICENSE("GPL");
